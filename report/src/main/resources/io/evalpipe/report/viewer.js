// report.html's per-prompt viewer (ReportViewer writes the page around it).
// Every value comes from the JSON block #viewer-data and reaches the page through textContent or a
// property, never as markup: a reply holding a script element or an onerror attribute stays text.
// The page's Content-Security-Policy lets this script, and no other, run.
(function () {
  'use strict';

  var NONE = '\u2014';
  var SNAPSHOT = /^snapshots\/[A-Za-z0-9._-]+\.json$/;
  var STATUSES = ['pass', 'fail', 'error', 'missing'];

  var prompts = JSON.parse(document.getElementById('viewer-data').textContent).prompts;
  var body = byId('v-rows');
  var statusSelect = byId('v-status');
  var reasonSelect = byId('v-reason');
  var search = byId('v-search');
  var headers = Array.prototype.slice.call(document.querySelectorAll('#v-table th[data-key]'));
  var statuses = distinct(prompts.map(function (p) { return p.status; }));
  var reasons = distinct(prompts.map(function (p) { return p.reason; }));
  var sort = {key: null, descending: false};
  var rows = prompts.map(row);

  fillSelect(statusSelect, statuses, 'status');
  fillSelect(reasonSelect, reasons, 'reason');
  statusSelect.addEventListener('change', filter);
  reasonSelect.addEventListener('change', filter);
  search.addEventListener('input', filter);
  headers.forEach(function (th) {
    th.setAttribute('aria-sort', 'none');
    th.addEventListener('click', function () { sortBy(th.dataset.key); });
    th.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(th.dataset.key); }
    });
  });
  byId('v-close').addEventListener('click', function () { byId('v-details').hidden = true; select(-1); });
  rows.forEach(function (tr) { body.appendChild(tr); });
  filter();
  if (/[?&#]selftest\b/.test(location.search + location.hash)) {
    selftest();
  }

  function byId(id) { return document.getElementById(id); }

  /** An element with text (as text) and an optional class. */
  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (className) { e.className = className; }
    return e;
  }

  function clear(e) { while (e.firstChild) { e.removeChild(e.firstChild); } }

  /** The values in first-seen order, null included once (a pass has no reason). */
  function distinct(values) {
    var seen = [];
    values.forEach(function (v) { if (v === undefined) { v = null; } if (seen.indexOf(v) < 0) { seen.push(v); } });
    return seen;
  }

  /** Options valued by index, so that no value from the data is ever compared as an option value. */
  function fillSelect(selectElement, values, field) {
    values.forEach(function (v, i) {
      var n = prompts.filter(function (p) { return (p[field] === undefined ? null : p[field]) === v; }).length;
      var option = el('option', (v === null ? '(none)' : v) + ' (' + n + ')');
      option.value = String(i);
      selectElement.appendChild(option);
    });
  }

  function figure(v) { return typeof v === 'number' ? v.toFixed(1) : NONE; }

  function text(v) { return v === undefined || v === null || v === '' ? NONE : String(v); }

  /** Assertion values may be any JSON: strings as they are, the rest as JSON. */
  function json(v) { return v === undefined || v === null ? NONE : typeof v === 'string' ? v : JSON.stringify(v); }

  function statusClass(status) { return STATUSES.indexOf(status) >= 0 ? 'v-' + status : null; }

  function row(p, i) {
    var tr = el('tr');
    tr.dataset.index = String(i);
    tr.tabIndex = 0;
    tr.appendChild(el('td', text(p.id)));
    tr.appendChild(el('td', text(p.status), statusClass(p.status)));
    tr.appendChild(el('td', text(p.reason)));
    tr.appendChild(el('td', figure(p.e2e_ms), 'r'));
    tr.appendChild(el('td', figure(p.ttft_ms), 'r'));
    tr.appendChild(el('td', typeof p.completion_tokens === 'number' ? p.completion_tokens : NONE, 'r'));
    tr.appendChild(el('td', text(p.worker)));
    tr.addEventListener('click', function () { showDetails(i); });
    tr.addEventListener('keydown', function (e) { if (e.key === 'Enter') { showDetails(i); } });
    return tr;
  }

  function matches(p) {
    var status = statusSelect.value === '' ? undefined : statuses[Number(statusSelect.value)];
    var reason = reasonSelect.value === '' ? undefined : reasons[Number(reasonSelect.value)];
    var query = search.value.trim().toLowerCase();
    return (status === undefined || (p.status === undefined ? null : p.status) === status)
        && (reason === undefined || (p.reason === undefined ? null : p.reason) === reason)
        && (query === '' || String(p.id || '').toLowerCase().indexOf(query) >= 0
            || String(p.output || '').toLowerCase().indexOf(query) >= 0);
  }

  function filter() {
    var shown = 0;
    rows.forEach(function (tr, i) {
      tr.hidden = !matches(prompts[i]);
      if (!tr.hidden) { shown++; }
    });
    byId('v-count').textContent = 'Showing ' + shown + ' of ' + prompts.length + ' prompts.';
  }

  /** A second click on a column reverses it; a value that is not there sorts last either way. */
  function sortBy(key) {
    sort.descending = sort.key === key ? !sort.descending : false;
    sort.key = key;
    var order = prompts.map(function (p, i) { return i; });
    order.sort(function (i, j) { return compare(prompts[i][key], prompts[j][key]) || i - j; });
    order.forEach(function (i) { body.appendChild(rows[i]); });
    headers.forEach(function (th) {
      th.setAttribute('aria-sort', th.dataset.key !== key ? 'none' : sort.descending ? 'descending' : 'ascending');
    });
  }

  function compare(x, y) {
    var xAbsent = x === undefined || x === null;
    var yAbsent = y === undefined || y === null;
    if (xAbsent || yAbsent) { return xAbsent === yAbsent ? 0 : xAbsent ? 1 : -1; }
    var c = typeof x === 'number' && typeof y === 'number' ? x - y
        : String(x).localeCompare(String(y), undefined, {numeric: true});
    return sort.descending ? -c : c;
  }

  function select(index) {
    rows.forEach(function (tr, i) { tr.classList.toggle('v-selected', i === index); });
  }

  function showDetails(i) {
    var p = prompts[i];
    select(i);
    byId('v-title').textContent = 'Prompt ' + text(p.id);
    facts(p);
    messages(p.messages);
    var output = byId('v-output');
    output.textContent = typeof p.output === 'string' ? p.output : '';
    output.hidden = typeof p.output !== 'string';
    list(byId('v-errors'), p.validation_errors, 'None.');
    assertions(p.assertions);
    list(byId('v-notes'), p.notes, 'None.');
    var details = byId('v-details');
    details.hidden = false;
    if (details.scrollIntoView) { details.scrollIntoView({block: 'nearest'}); }
  }

  function facts(p) {
    var dl = byId('v-facts');
    clear(dl);
    [['Status', text(p.status)], ['Reason', text(p.reason)], ['Finish reason', text(p.finish_reason)],
     ['E2E (ms)', figure(p.e2e_ms)], ['TTFT (ms)', figure(p.ttft_ms)], ['TPOT (ms)', figure(p.tpot_ms)],
     ['Queue wait (ms)', figure(p.queue_wait_ms)], ['Prompt tokens', text(p.prompt_tokens)],
     ['Completion tokens', text(p.completion_tokens)], ['Worker', text(p.worker)], ['Pool', text(p.pool)]]
        .forEach(function (f) { dl.appendChild(el('dt', f[0])); dl.appendChild(el('dd', f[1])); });
    if (typeof p.snapshot === 'string' && SNAPSHOT.test(p.snapshot)) {
      var link = el('a', p.snapshot);
      link.href = p.snapshot;
      var dd = el('dd');
      dd.appendChild(link);
      dl.appendChild(el('dt', 'Snapshot'));
      dl.appendChild(dd);
    }
  }

  function messages(list) {
    var box = byId('v-messages');
    clear(box);
    if (!Array.isArray(list) || list.length === 0) {
      box.appendChild(el('p', 'Not in the result (a worker from before results carried them, or a result cut to fit a record).', 'note'));
      return;
    }
    list.forEach(function (m) {
      var div = el('div', null, 'v-msg');
      div.appendChild(el('div', text(m && m.role), 'v-role'));
      div.appendChild(el('pre', m && typeof m.content === 'string' ? m.content : ''));
      box.appendChild(div);
    });
  }

  function list(ul, items, empty) {
    clear(ul);
    if (!Array.isArray(items) || items.length === 0) {
      ul.appendChild(el('li', empty, 'note'));
      return;
    }
    items.forEach(function (item) { ul.appendChild(el('li', text(item))); });
  }

  /**
   * One row per assertion when the result has them: {name, passed, expected, actual}; {label, held}
   * (an outcome as the worker may publish it) is read the same way.
   */
  function assertions(items) {
    var box = byId('v-assertions-box');
    var tbody = byId('v-assertions').tBodies[0];
    clear(tbody);
    box.hidden = !Array.isArray(items) || items.length === 0;
    if (box.hidden) { return; }
    items.forEach(function (a) {
      a = a || {};
      var tr = el('tr');
      tr.appendChild(el('td', assertionName(a)));
      tr.appendChild(el('td', verdict(a), passed(a) === true ? 'v-pass' : passed(a) === false ? 'v-fail' : null));
      tr.appendChild(el('td', json(a.expected)));
      tr.appendChild(el('td', json(a.actual)));
      tbody.appendChild(tr);
    });
  }

  function assertionName(a) { return text(a.name !== undefined && a.name !== null ? a.name : a.label); }

  function passed(a) { return typeof a.passed === 'boolean' ? a.passed : a.held; }

  function verdict(a) { return passed(a) === true ? 'passed' : passed(a) === false ? 'failed' : NONE; }

  /**
   * With ?selftest or #selftest in the address: works the viewer as a person would (filters, a
   * search, a sort, a click on each row) and writes one line per check into a pre element, id
   * selftest, at the end of the body, for a headless browser's --dump-dom to read. Lines name counts
   * and positions, not data.
   */
  function selftest() {
    var lines = [];
    var failed = 0;
    function check(name, ok) {
      lines.push((ok ? 'ok - ' : 'not ok - ') + name);
      if (!ok) { failed++; }
    }
    function visible() {
      return Array.prototype.filter.call(body.rows, function (tr) { return !tr.hidden; });
    }
    function choose(selectElement, value) {
      selectElement.value = value;
      selectElement.dispatchEvent(new Event('change'));
    }
    function fieldOf(tr, field) { var v = prompts[Number(tr.dataset.index)][field]; return v === undefined ? null : v; }

    check('rows: ' + body.rows.length + ' for ' + prompts.length + ' prompts, all shown',
        body.rows.length === prompts.length && visible().length === prompts.length);

    [['status', statusSelect, statuses], ['reason', reasonSelect, reasons]].forEach(function (f) {
      var field = f[0];
      var values = f[2];
      values.forEach(function (v, i) {
        choose(f[1], String(i));
        var expected = prompts.filter(function (p) { return (p[field] === undefined ? null : p[field]) === v; }).length;
        var shown = visible();
        check(field + ' filter, option ' + (i + 1) + ' of ' + values.length + ': ' + shown.length + ' of '
            + prompts.length + ' rows shown, ' + expected + ' expected',
            shown.length === expected && shown.every(function (tr) { return fieldOf(tr, field) === v; }));
      });
      choose(f[1], '');
      check(field + ' filter back to all: ' + visible().length + ' rows shown', visible().length === prompts.length);
    });

    if (prompts.length > 0) {
      var last = prompts[prompts.length - 1];
      search.value = String(last.id);
      search.dispatchEvent(new Event('input'));
      var found = visible();
      check('search for the last prompt id: ' + found.length + ' row(s), the last prompt among them',
          found.some(function (tr) { return Number(tr.dataset.index) === prompts.length - 1; })
          && found.every(function (tr) {
            var p = prompts[Number(tr.dataset.index)];
            return String(p.id).toLowerCase().indexOf(String(last.id).toLowerCase()) >= 0
                || String(p.output || '').toLowerCase().indexOf(String(last.id).toLowerCase()) >= 0;
          }));
      search.value = '';
      search.dispatchEvent(new Event('input'));
    }

    var e2eHeader = headers.filter(function (th) { return th.dataset.key === 'e2e_ms'; })[0];
    e2eHeader.click();
    var up = Array.prototype.map.call(body.rows, function (tr) { return fieldOf(tr, 'e2e_ms'); });
    check('sort by E2E, ascending, absent last: ' + e2eHeader.getAttribute('aria-sort'), ordered(up, 1)
        && e2eHeader.getAttribute('aria-sort') === 'ascending');
    e2eHeader.click();
    var down = Array.prototype.map.call(body.rows, function (tr) { return fieldOf(tr, 'e2e_ms'); });
    check('sort by E2E again, descending, absent last: ' + e2eHeader.getAttribute('aria-sort'), ordered(down, -1)
        && e2eHeader.getAttribute('aria-sort') === 'descending');

    var details = byId('v-details');
    check('details panel hidden before a click', details.hidden);
    Array.prototype.forEach.call(body.rows, function (tr, position) {
      tr.click();
      var p = prompts[Number(tr.dataset.index)];
      var shownMessages = byId('v-messages').querySelectorAll('.v-msg').length;
      var expectedMessages = Array.isArray(p.messages) ? p.messages.length : 0;
      var errors = byId('v-errors').querySelectorAll('li:not(.note)').length;
      var expectedErrors = Array.isArray(p.validation_errors) ? p.validation_errors.length : 0;
      var shownAssertions = byId('v-assertions-box').hidden ? 0 : byId('v-assertions').tBodies[0].rows.length;
      var expectedAssertions = Array.isArray(p.assertions) ? p.assertions.length : 0;
      check('click on row ' + (position + 1) + ': details shown with ' + shownMessages + ' message(s), '
          + errors + ' validation error(s), ' + shownAssertions + ' assertion(s)',
          !details.hidden && byId('v-title').textContent === 'Prompt ' + text(p.id)
          && byId('v-output').textContent === (typeof p.output === 'string' ? p.output : '')
          && shownMessages === expectedMessages && errors === expectedErrors
          && shownAssertions === expectedAssertions && assertionsMatch(p.assertions)
          && tr.classList.contains('v-selected'));
    });
    byId('v-close').click();
    check('close hides the details panel', details.hidden);

    // Whatever the data held, the page has our two script elements and nothing the data could have made.
    check('scripts in the page: ' + document.scripts.length + '; elements made from data: '
        + document.querySelectorAll('#viewer img, #viewer iframe, #viewer script, #viewer [onerror], #viewer [onclick]').length,
        document.scripts.length === 2
        && document.querySelectorAll('#viewer img, #viewer iframe, #viewer script, #viewer [onerror], #viewer [onclick]').length === 0);

    var pre = el('pre', lines.join('\n') + '\nselftest: ' + (lines.length - failed) + ' passed, ' + failed + ' failed');
    pre.id = 'selftest';
    document.body.appendChild(pre);
  }

  /** Each shown assertion row names its assertion and says passed or failed as the data does. */
  function assertionsMatch(items) {
    if (!Array.isArray(items)) { return true; }
    var shown = byId('v-assertions').tBodies[0].rows;
    return items.every(function (a, i) {
      return shown[i].cells[0].textContent === assertionName(a || {}) && shown[i].cells[1].textContent === verdict(a || {});
    });
  }

  /** Present values in order (1 ascending, -1 descending), then only absent ones. */
  function ordered(values, direction) {
    var seenAbsent = false;
    for (var i = 0; i < values.length; i++) {
      if (values[i] === null) { seenAbsent = true; continue; }
      if (seenAbsent) { return false; }
      if (i > 0 && values[i - 1] !== null && direction * (values[i] - values[i - 1]) < 0) { return false; }
    }
    return true;
  }
}());
