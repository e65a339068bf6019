/** The report's style sheet: system fonts, light and dark palettes, print rules. No external resource. */
export const STYLE = `
:root{color-scheme:light dark;
--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#eef1f4;--panel:#f6f8fa;--accent:#0969da;
--rw:#cf222e;--w:#d4760a;--none:#1f883d;--new:#8c959f;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;
--ok-bg:#dafbe1;--warn-bg:#fff8c5;--bad-bg:#ffebe9;--attempt:#0969da;--preflight:#8250df;--blk:#6639ba;--tip:#1f2328;--tip-fg:#fff;
--label:17rem;--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
@media screen and (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--soft:#1c2128;--panel:#151b23;--accent:#4493f8;
--rw:#f85149;--w:#e3922d;--none:#3fb950;--new:#6e7681;--ok:#3fb950;--warn:#d29922;--bad:#f85149;
--ok-bg:#12261e;--warn-bg:#272115;--bad-bg:#2d1517;--attempt:#4493f8;--preflight:#ab7df8;--blk:#a371f7;--tip:#e6edf3;--tip-fg:#0d1117}}
*{box-sizing:border-box}
html{background:var(--bg);color:var(--fg)}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans",sans-serif}
main,.top,footer{max-width:1240px;margin:0 auto;padding:0 24px}
a{color:var(--accent)}
code,pre,.num,.tick,.at{font-family:var(--mono);font-size:.86em}
.num{text-align:right;white-space:nowrap}
.muted{color:var(--muted)}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:9}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.top{padding-top:28px;padding-bottom:8px}
.brand{margin:0;font-weight:600;letter-spacing:.02em}.logo{color:var(--accent)}
h1{margin:.15em 0 .1em;font-size:1.65rem;line-height:1.25;overflow-wrap:anywhere}
.meta{margin:0;color:var(--muted);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.25rem 1.1rem}
.card{border:1px solid var(--line);border-radius:10px;padding:16px 20px;margin:18px 0;background:var(--bg)}
h2{font-size:1.15rem;margin:0 0 .6em}h3{font-size:1rem;margin:.2em 0}
.count{font-weight:400;color:var(--muted);font-size:.9rem;margin-left:.4em}
.file-h{margin-top:36px;font-family:var(--mono);font-size:1.05rem}
.verdict{display:flex;gap:.7rem;align-items:baseline;border-radius:10px;padding:12px 16px;margin:16px 0;border:1px solid}
.verdict strong{font-size:1.1rem}
.verdict.ok{background:var(--ok-bg);border-color:var(--ok)}.verdict.warn{background:var(--warn-bg);border-color:var(--warn)}.verdict.bad{background:var(--bad-bg);border-color:var(--bad)}
.verdict.ok strong{color:var(--ok)}.verdict.warn strong{color:var(--warn)}.verdict.bad strong{color:var(--bad)}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;margin:12px 0}
.tile{border:1px solid var(--line);border-radius:10px;padding:10px 14px;background:var(--panel);border-top:3px solid var(--line)}
.tile.ok{border-top-color:var(--ok)}.tile.warn{border-top-color:var(--warn)}.tile.bad{border-top-color:var(--bad)}
.t-label{font-size:.78rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.t-value{font-size:1.35rem;font-weight:600;margin:.1em 0}.t-value .chip{font-size:.8rem;vertical-align:middle}
.t-sub{font-size:.85rem;color:var(--muted);overflow-wrap:anywhere}
.jump{display:flex;gap:.4rem;flex-wrap:wrap;margin:8px 0}
.jump a{border:1px solid var(--line);border-radius:999px;padding:2px 12px;text-decoration:none;font-size:.88rem;background:var(--panel)}
.notes{color:var(--muted);font-size:.9rem;padding-left:1.2em}
.chip{display:inline-block;font:600 .74rem/1.6 var(--mono);padding:0 .55em;border-radius:4px;color:#fff;white-space:nowrap}
.chip.b-rw{background:var(--rw)}.chip.b-w{background:var(--w)}.chip.b-none{background:var(--none)}.chip.b-new{background:var(--new)}
@media screen and (prefers-color-scheme:dark){.chip{color:#0d1117}}
.chips{list-style:none;padding:0;margin:.5em 0}.chips li{margin:.2em 0}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.1rem;list-style:none;padding:0;margin:.2em 0 1em;font-size:.82rem;color:var(--muted)}
.legend li{display:flex;align-items:center;gap:.4em}
.sw{display:inline-block;width:22px;height:11px;border-radius:3px;position:relative}
.clock{color:var(--muted);font-size:.88rem;margin:-.3em 0 .6em}
/* timeline */
.tl{position:relative;font-size:.84rem}
.tl-row{display:grid;grid-template-columns:var(--label) 1fr;align-items:center;min-height:24px}
.tl-label{padding-right:12px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.tl-track{position:relative;height:24px}
.tl-axis .tl-track{height:22px;border-bottom:1px solid var(--line)}
.tick{position:absolute;bottom:3px;transform:translateX(-50%);color:var(--muted);font-size:.72rem;white-space:nowrap}
.tick:first-child{transform:none}.tick.end{transform:translateX(-100%)}
.tl-grid{position:absolute;top:22px;bottom:0;left:var(--label);right:0;pointer-events:none}
.tl-grid i{position:absolute;top:0;bottom:0;border-left:1px dashed var(--line);opacity:.7}
.tl-group{border-top:1px solid var(--line);padding:4px 0 6px}
.tl-group:nth-of-type(even){background:color-mix(in srgb,var(--panel) 70%,transparent)}
.tl-step .tl-label{font-weight:600;display:flex;flex-direction:column;line-height:1.25;padding-top:3px;padding-bottom:3px}
.tl-step .tl-track{height:28px}
.step-link{text-decoration:none;color:var(--fg);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.step-link .num{display:inline-block;min-width:1.4em;color:var(--accent)}
.step-link .desc{font-family:var(--mono);font-weight:500;font-size:.92em}
.tags{font-weight:400;font-size:.76rem;color:var(--muted)}
.tag{border:1px solid var(--line);border-radius:4px;padding:0 .35em}
.tag.auto{border-style:dashed}
.status{font-weight:600}.s-committed,.s-traced{color:var(--ok)}.s-failed,.s-error{color:var(--bad)}.s-interrupted{color:var(--warn)}.s-not-run,.s-skipped{color:var(--muted)}
.took{font-family:var(--mono)}
.tl-more .tl-label{padding-left:1.6em;font-size:.76rem}.tl-more a{color:var(--muted)}
.tl-lock .tl-label,.tl-blocker .tl-label,.tl-progress .tl-label{padding-left:1.6em;font-size:.8rem}
.rel{font-family:var(--mono)}.mode{color:var(--muted);font-size:.72rem;font-family:var(--mono)}
.is-new .rel{color:var(--muted)}
.who{font-family:var(--mono);color:var(--blk)}
.item{position:absolute;top:3px;bottom:3px;min-width:3px;border-radius:4px;display:block;text-decoration:none;color:inherit}
.item:focus-visible{outline:2px solid var(--fg);outline-offset:1px;z-index:3}
.span{top:6px;bottom:6px}
.sp-statement,.sw.sp-statement{background:color-mix(in srgb,var(--attempt) 55%,transparent);border:1px solid var(--attempt)}
.sp-attempt,.sw.sp-attempt{background:var(--attempt)}
.sp-attempt.out-failed,.sw.sp-attempt.out-failed,.sp-statement.out-failed{background:repeating-linear-gradient(135deg,var(--bad) 0 3px,transparent 3px 6px);border:1px solid var(--bad)}
.sp-attempt.out-unfinished{background:repeating-linear-gradient(90deg,var(--warn) 0 4px,transparent 4px 7px);border:1px solid var(--warn)}
.sp-backoff,.sw.sp-backoff{top:11px;bottom:11px;min-height:2px;background:none;border-top:2px dotted var(--muted);border-radius:0}
.sw.sp-backoff{height:0;top:0}
.sp-preflight,.sw.sp-preflight{background:repeating-linear-gradient(45deg,var(--preflight) 0 2px,color-mix(in srgb,var(--preflight) 25%,transparent) 2px 6px);border:1px solid var(--preflight)}
.bar,.sw.b-rw,.sw.b-w,.sw.b-none{overflow:hidden;container-type:inline-size}
.b-rw{background:var(--rw)}.b-w{background:var(--w)}.b-none{background:var(--none)}
.is-new .bar,.sw.is-new-sw{background:var(--new)}
.st-queued{background:repeating-linear-gradient(135deg,var(--rw) 0 3px,color-mix(in srgb,var(--rw) 20%,transparent) 3px 7px)!important;outline:1px solid var(--rw);outline-offset:-1px}
.b-w.st-queued{background:repeating-linear-gradient(135deg,var(--w) 0 3px,color-mix(in srgb,var(--w) 20%,transparent) 3px 7px)!important;outline-color:var(--w)}
.b-none.st-queued{background:repeating-linear-gradient(135deg,var(--none) 0 3px,color-mix(in srgb,var(--none) 20%,transparent) 3px 7px)!important;outline-color:var(--none)}
.bar-text{display:block;color:#fff;font:600 .7rem/18px var(--mono);padding:0 5px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
@container (max-width:90px){.bar-text{display:none}}
.st-queued .bar-text{display:none}
@media screen and (prefers-color-scheme:dark){.bar-text{color:#0d1117}}
.blk,.sw.blk{background:color-mix(in srgb,var(--blk) 30%,transparent);border:1px solid var(--blk)}
.item.blk{top:7px;bottom:7px}
.phase{overflow:hidden;container-type:inline-size;border:1px solid var(--ph);background:color-mix(in srgb,var(--ph) 12%,transparent);border-radius:3px}
.phase svg{position:absolute;inset:0;width:100%;height:100%}
.phase polygon{fill:color-mix(in srgb,var(--ph) 45%,transparent);stroke:none}
.phase .bar-text{position:relative;color:var(--fg);font-weight:500;text-shadow:0 0 3px var(--bg)}
.ph-0{--ph:var(--attempt)}.ph-1{--ph:var(--preflight)}.ph-2{--ph:var(--none)}.ph-3{--ph:var(--w)}
.not-run{position:absolute;top:5px;color:var(--muted);font-style:italic;font-size:.78rem;transform:translateX(-100%);padding-right:4px;white-space:nowrap}
.tip{display:none;position:absolute;bottom:calc(100% + 6px);left:0;z-index:5;width:max-content;max-width:min(46ch,70vw);background:var(--tip);color:var(--tip-fg);
font:.78rem/1.4 system-ui,sans-serif;padding:6px 9px;border-radius:6px;white-space:normal;box-shadow:0 4px 14px rgba(0,0,0,.25);pointer-events:none}
.tip-left .tip{left:auto;right:0}
.item:hover .tip,.item:focus .tip{display:block}
.item:hover,.item:focus{z-index:4;filter:brightness(1.08)}
/* findings */
.finding{border:1px solid var(--line);border-left:4px solid var(--warn);border-radius:8px;padding:12px 16px;margin:12px 0}
.finding.sev-error{border-left-color:var(--bad)}
.finding header{display:flex;gap:.6rem;align-items:center;flex-wrap:wrap;font-size:.88rem}
.finding h3{font-size:1.02rem;margin:.35em 0 .5em}
.badge{font:700 .7rem/1.7 system-ui,sans-serif;text-transform:uppercase;letter-spacing:.05em;padding:0 .6em;border-radius:4px;color:#fff}
.badge.error{background:var(--bad)}.badge.warning{background:var(--warn)}
@media screen and (prefers-color-scheme:dark){.badge{color:#0d1117}}
.rule{font-weight:600}.loc{color:var(--muted);font-family:var(--mono);font-size:.84rem;overflow-wrap:anywhere}
.code{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px 0;overflow-x:auto;margin:.5em 0;line-height:1.45}
.code code{display:block;padding:0 12px;font-size:.84rem;white-space:pre;min-width:max-content}
.excerpt code{counter-reset:none;padding:0}
.excerpt .ln{display:block;padding:0 12px}
.excerpt .ln::before{content:attr(data-line);display:inline-block;width:3.5em;margin-right:1em;color:var(--muted);text-align:right;user-select:none}
.excerpt .hit{background:color-mix(in srgb,var(--bad) 12%,transparent)}
.excerpt .caret{color:var(--bad);font-weight:700}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em;margin:.6em 0}
.facts dt{font-weight:600;color:var(--muted);font-size:.86rem}.facts dd{margin:0}
.facts .fails{color:var(--bad);font-weight:600}
.versions{font-size:.88rem;margin:.3em 0 0}
.empty{color:var(--ok)}
/* steps */
.flow{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:.4em 0 1em}
.flow li{border:1px solid var(--line);border-top:4px solid var(--none);border-radius:6px;background:var(--panel);min-width:150px;max-width:260px}
.flow li.auto{border-style:dashed;border-top-style:solid}
.flow li.b-edge-rw{border-top-color:var(--rw)}.flow li.b-edge-w{border-top-color:var(--w)}
.flow a{display:flex;flex-direction:column;gap:2px;padding:6px 10px;text-decoration:none;color:var(--fg);font-size:.82rem}
.flow-head b{color:var(--accent);margin-right:.3em}.flow-lock{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.flow-lock code{font-size:.8rem}
.steps{display:flex;flex-direction:column;gap:12px}
.step{border:1px solid var(--line);border-radius:8px;padding:10px 16px 12px 20px;position:relative}
.step.tx{border-left:4px double var(--accent)}
.step.auto{border-style:dashed;border-left:4px dashed var(--muted)}
.step:target,.step:focus{box-shadow:0 0 0 3px color-mix(in srgb,var(--accent) 40%,transparent);outline:none}
.step header{display:flex;gap:.8rem;align-items:baseline;flex-wrap:wrap}
.step h3 .num{color:var(--accent)}.step .lines{color:var(--muted);font-size:.86rem}
.boundary{font-size:.84rem;color:var(--muted);margin:.2em 0}
.step .desc{font-family:var(--mono);font-size:.86rem;margin:.3em 0;overflow-wrap:anywhere}
.settings{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;list-style:none;padding:0;margin:.4em 0;font-size:.86rem}
.k{color:var(--muted);font-size:.8rem;margin-right:.3em}
.error-line{color:var(--bad);font-weight:600;overflow-wrap:anywhere}
details.sql summary{cursor:pointer;font-size:.86rem;color:var(--muted)}
table.grid{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.86rem}
.grid caption{text-align:left;font-weight:600;color:var(--muted);font-size:.8rem;padding:.2em 0}
.grid th,.grid td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
.grid thead th{font-size:.78rem;color:var(--muted);font-weight:600}
.grid td code{overflow-wrap:anywhere;white-space:pre-wrap}
.grid tr.out-failed td:last-child{color:var(--bad)}
.log{font-size:.84rem;padding-left:0;list-style:none;margin:.5em 0}
.log li{padding:1px 0;overflow-wrap:anywhere}.log .at{display:inline-block;min-width:6.5em;color:var(--muted)}
section > details > summary{cursor:pointer}section > details > summary h2{display:inline;margin:0}
.toc ul{padding-left:1.2em}.clean{columns:2;font-family:var(--mono);font-size:.84rem}
footer{color:var(--muted);font-size:.84rem;padding-top:8px;padding-bottom:32px}
@media (max-width:760px){:root{--label:10rem}main,.top,footer{padding:0 12px}}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#444;--line:#bbb;--panel:#f4f4f4;--soft:#eee;--label:13rem}
html,body{background:#fff;color:#000;font-size:10.5pt}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.skip,.jump,.tip{display:none!important}
.card,.finding,.step,.tl-group{break-inside:avoid}
.card{border-color:#bbb}
main,.top,footer{max-width:none;padding:0}
details::details-content{content-visibility:visible;display:contents}
details>summary{list-style:none}
a{color:inherit;text-decoration:none}
.code code{white-space:pre-wrap;min-width:0}
}
`;
