export { renderHtmlReport } from './html/render.js';
export { fileReport, reportModel, tablesFromLive, tablesFromRehearsal, type FileReportInput } from './build.js';
export { traceTimeline } from './trace-timeline.js';
export { planTableSizes } from './table-sizes.js';
export { runTimeline, runOutcome, type RunTimelineInput } from './run-timeline.js';
export type * from './model.js';
