/**
 * The report's one script, inlined: it shows the filter controls (hidden in the HTML, so that a
 * browser without JavaScript shows every service and no control that does nothing) and filters
 * the service rows of every environment's table by text, kind and owner, saying in a live region
 * how many rows are shown. Plain ES5 DOM code: it runs in any browser and fetches nothing.
 */
export const SCRIPT = `
(function () {
  var section = document.getElementById('find');
  var form = document.getElementById('filter');
  var text = document.getElementById('filter-text');
  var kind = document.getElementById('filter-kind');
  var owner = document.getElementById('filter-owner');
  var count = document.getElementById('count');
  if (!section || !form || !text || !kind || !owner || !count) return;
  section.hidden = false;
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-service]'));
  var tables = Array.prototype.slice.call(document.querySelectorAll('table.services'));
  function apply() {
    var q = text.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var match = (q === '' || d.service.indexOf(q) >= 0 || d.owner.toLowerCase().indexOf(q) >= 0 || d.kind.indexOf(q) >= 0) &&
        (kind.value === '' || d.kind === kind.value) &&
        (owner.value === '' || d.owner === owner.value);
      row.hidden = !match;
      if (match) shown++;
    });
    tables.forEach(function (table) {
      var none = table.querySelector('tr.none');
      if (none) none.hidden = table.querySelector('tr[data-service]:not([hidden])') !== null;
    });
    count.textContent = shown + ' of ' + rows.length + ' services shown';
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  apply();
})();
`;
