/**
 * The report's only script: keyboard navigation of the timeline (one tab stop per timeline, arrow keys between its
 * bars), focus on the step a bar links to, and every <details> opened for printing. It reads no data: the page works
 * (every bar is a plain link) without it.
 */
export const SCRIPT = `(function(){
"use strict";
function rows(tl){return Array.prototype.map.call(tl.querySelectorAll('.tl-track'),function(t){return Array.prototype.slice.call(t.querySelectorAll('[data-nav]'));}).filter(function(r){return r.length;});}
function centre(el){var r=el.getBoundingClientRect();return r.left+r.width/2;}
function move(tl,from,to){if(!to)return;from.setAttribute('tabindex','-1');to.setAttribute('tabindex','0');to.focus();}
Array.prototype.forEach.call(document.querySelectorAll('[data-timeline]'),function(tl){
  var all=rows(tl);if(!all.length)return;
  all.forEach(function(r){r.forEach(function(el){el.setAttribute('tabindex','-1');});});
  all[0][0].setAttribute('tabindex','0');
  tl.addEventListener('keydown',function(e){
    var el=e.target;if(!el.hasAttribute||!el.hasAttribute('data-nav'))return;
    var grid=rows(tl),r=-1,c=-1;
    grid.forEach(function(row,i){var j=row.indexOf(el);if(j>=0){r=i;c=j;}});
    if(r<0)return;
    var to=null;
    if(e.key==='ArrowRight')to=grid[r][c+1]||(grid[r+1]&&grid[r+1][0]);
    else if(e.key==='ArrowLeft')to=grid[r][c-1]||(grid[r-1]&&grid[r-1][grid[r-1].length-1]);
    else if(e.key==='ArrowDown'||e.key==='ArrowUp'){
      var next=grid[r+(e.key==='ArrowDown'?1:-1)];
      if(next){var x=centre(el);to=next.reduce(function(best,cand){return !best||Math.abs(centre(cand)-x)<Math.abs(centre(best)-x)?cand:best;},null);}
    }
    else if(e.key==='Home')to=grid[0][0];
    else if(e.key==='End'){var last=grid[grid.length-1];to=last[last.length-1];}
    else return;
    e.preventDefault();move(tl,el,to);
  });
});
function openTarget(){
  var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
  var el=document.getElementById(id);if(!el)return;
  for(var p=el;p;p=p.parentElement){if(p.tagName==='DETAILS')p.open=true;}
  if(el.hasAttribute('tabindex'))el.focus({preventScroll:true});
}
window.addEventListener('hashchange',openTarget);openTarget();
window.addEventListener('beforeprint',function(){Array.prototype.forEach.call(document.querySelectorAll('details'),function(d){d.open=true;});});
})();`;
