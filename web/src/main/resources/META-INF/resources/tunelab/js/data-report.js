// The data-quality report a worker writes for an experiment's dataset, as the page shows it.

import {h, num, paramText, fact} from './dom.js';

/**
 * The data-quality report the worker writes: a verdict (usable, problems, warnings), the
 * table's size, one row per column (type, missing values, outliers, constant or duplicate),
 * and the class balance or target distribution. Keys it does not know are listed as they are.
 */
export function dataReport(report) {
  const known = new Set(['dataset', 'sha256', 'rows', 'columns', 'target', 'type', 'usable', 'problems', 'warnings',
    'column_types', 'missing', 'missing_cells', 'outliers', 'constant_columns', 'duplicate_columns', 'duplicate_rows',
    'class_balance', 'target_distribution']);
  const list = (v) => (Array.isArray(v) ? v : []);
  const map = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const problems = list(report.problems);
  const warnings = list(report.warnings);

  const verdict = report.usable === false
    ? h('div', {class: 'error', role: 'alert'}, h('strong', {}, 'The data cannot be trained on.'),
        h('ul', {class: 'plain'}, problems.map((p) => h('li', {}, String(p)))))
    : report.usable === true ? h('p', {class: 'ok-text'}, '✓ Usable for training.') : null;
  const warningBox = warnings.length
    ? h('div', {class: 'notice'}, h('strong', {}, warnings.length === 1 ? 'Warning' : `${warnings.length} warnings`),
        h('ul', {class: 'plain'}, warnings.map((w) => h('li', {}, String(w)))))
    : null;

  const facts = h('dl', {class: 'facts'},
      report.dataset !== undefined ? fact('Dataset', String(report.dataset)) : null,
      report.rows !== undefined ? fact('Rows', num(report.rows)) : null,
      report.columns !== undefined ? fact('Columns', num(report.columns)) : null,
      report.target !== undefined ? fact('Target', String(report.target), report.type ? h('span', {class: 'muted'}, ` (${report.type})`) : null) : null,
      report.missing_cells !== undefined ? fact('Missing cells', num(report.missing_cells)) : null,
      report.duplicate_rows !== undefined ? fact('Duplicate rows', num(report.duplicate_rows)) : null,
      report.sha256 ? fact('SHA-256', h('code', {title: String(report.sha256)}, `${String(report.sha256).slice(0, 12)}…`)) : null);

  const types = map(report.column_types);
  const missing = map(report.missing);
  const outliers = map(report.outliers);
  const constant = new Set(list(report.constant_columns).map(String));
  const duplicates = new Map();
  for (const group of list(report.duplicate_columns)) {
    for (const c of list(group)) duplicates.set(String(c), list(group).filter((o) => o !== c).map(String));
  }
  const names = [...new Set([...Object.keys(types), ...Object.keys(missing), ...Object.keys(outliers)])];
  const rows = Number(report.rows) || 0;
  const columnTable = names.length ? h('div', {class: 'table-wrap'}, h('table', {class: 'report columns'},
      h('caption', {class: 'visually-hidden'}, 'Columns of the data'),
      h('thead', {}, h('tr', {},
          h('th', {scope: 'col'}, 'Column'), h('th', {scope: 'col'}, 'Type'),
          h('th', {scope: 'col', class: 'num'}, 'Missing'), h('th', {scope: 'col', class: 'num'}, 'Outliers'),
          h('th', {scope: 'col'}, 'Notes'))),
      h('tbody', {}, names.map((n) => {
        const miss = missing[n] || 0;
        const notes = [];
        if (n === String(report.target)) notes.push('target');
        if (constant.has(n)) notes.push('constant');
        if (duplicates.has(n)) notes.push(`same as ${duplicates.get(n).join(', ')}`);
        return h('tr', {},
            h('th', {scope: 'row'}, n),
            h('td', {}, types[n] === undefined ? '—' : String(types[n])),
            h('td', {class: `num${miss ? ' warn' : ''}`}, num(miss), miss && rows ? h('span', {class: 'muted'}, ` (${num((100 * miss) / rows)}%)`) : null),
            h('td', {class: 'num'}, num(outliers[n] || 0)),
            h('td', {class: notes.length > (n === String(report.target) ? 1 : 0) ? 'warn' : 'muted'}, notes.join('; ')));
      })))) : null;

  // Wide data makes a long table: fold it behind a summary of what needs attention.
  const withMissing = names.filter((n) => missing[n]).length;
  const withOutliers = names.filter((n) => outliers[n]).length;
  const columns = columnTable && names.length > 12
    ? h('details', {class: 'columns-fold'},
        h('summary', {}, `${names.length} columns: ${withMissing} with missing values, ${withOutliers} with outliers`
            + `${constant.size ? `, ${constant.size} constant` : ''}${duplicates.size ? `, ${duplicates.size} duplicated` : ''}`),
        columnTable)
    : columnTable;
  const balance = map(report.class_balance);
  const total = Object.values(balance).reduce((a, b) => a + (Number(b) || 0), 0);
  const balanceTable = Object.keys(balance).length ? h('div', {class: 'report-block'},
      h('h3', {}, 'Class balance'),
      h('table', {class: 'report balance'},
          h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Class'), h('th', {scope: 'col', class: 'num'}, 'Rows'), h('th', {scope: 'col'}, 'Share'))),
          h('tbody', {}, Object.entries(balance).map(([k, v]) => h('tr', {},
              h('th', {scope: 'row'}, k), h('td', {class: 'num'}, num(v)),
              h('td', {}, h('div', {class: 'bar'}, h('div', {class: 'fill', style: `width:${total ? ((100 * v) / total).toFixed(1) : 0}%`})))))))) : null;
  const distribution = Object.keys(map(report.target_distribution)).length ? h('div', {class: 'report-block'},
      h('h3', {}, 'Target distribution'),
      h('dl', {class: 'kv'}, Object.entries(report.target_distribution).map(([k, v]) => [h('dt', {}, k), h('dd', {}, num(v))]))) : null;

  const other = Object.entries(report).filter(([k]) => !known.has(k));
  const scalar = (v) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : paramText(v));
  const rest = other.length ? h('div', {class: 'report-block'}, h('h3', {}, 'More'),
      h('dl', {class: 'kv'}, other.map(([k, v]) => [h('dt', {}, k), h('dd', {}, scalar(v))]))) : null;

  return h('div', {class: 'data-report'}, verdict, warningBox, facts, columns, balanceTable, distribution, rest);
}
