export { defineExample, exampleFlags, type RuleExample } from './example.js';
export { ruleDoc, ruleDocs, ruleInfos, EXAMPLE_FILE, type RuleDoc, type RuleInfo } from './rule-doc.js';
export { exampleCommand, renderPrecisionPage, renderRuleIndex, renderRuleMarkdown, renderRuleText } from './render.js';
export { DOCS_URL, ruleDocUrl } from './url.js';
