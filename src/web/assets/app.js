// Progressive enhancement for the Copyhound web app: every page works without it (links and
// forms); with it the review queue is driven from the keyboard, the way Gmail and Miniflux are.
(function () {
  'use strict';

  function typingIn(target) {
    var tag = target && target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (target && target.isContentEditable);
  }

  function openDialog(dialog) {
    if (dialog && !dialog.open && typeof dialog.showModal === 'function') dialog.showModal();
  }

  function setupHelp() {
    var help = document.getElementById('help');
    document.addEventListener('keydown', function (e) {
      if (e.key !== '?' || typingIn(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (!help) return;
      e.preventDefault();
      if (help.open) help.close(); else openDialog(help);
    });
  }

  function setupQueue() {
    var table = document.querySelector('table.reports');
    if (!table) return;
    var rows = Array.prototype.slice.call(table.querySelectorAll('tbody tr[data-id]'));
    var current = -1;
    var selectAll = document.getElementById('select-all');
    var quick = document.getElementById('quick-action');

    function checkbox(row) { return row.querySelector('input[type=checkbox]'); }
    function markSelected(row) { row.classList.toggle('selected', checkbox(row).checked); }
    function move(to) {
      if (rows.length === 0) return;
      current = Math.max(0, Math.min(rows.length - 1, to));
      rows.forEach(function (r, i) {
        r.classList.toggle('current', i === current);
        if (i === current) r.setAttribute('aria-current', 'true'); else r.removeAttribute('aria-current');
      });
      var link = rows[current].querySelector('a.open');
      if (link) link.focus({ preventScroll: true });
      rows[current].scrollIntoView({ block: 'nearest' });
    }
    function quickAction(status) {
      if (current < 0 || !quick) return;
      document.getElementById('qa-id').value = rows[current].getAttribute('data-id');
      document.getElementById('qa-status').value = status;
      document.getElementById('qa-back').value = location.pathname + location.search;
      document.getElementById('qa-h').textContent = (status === 'confirmed' ? 'Confirm' : 'Dismiss') + ' report #' + rows[current].getAttribute('data-id');
      openDialog(quick);
      document.getElementById('qa-note').focus();
    }

    rows.forEach(function (row, i) {
      checkbox(row).addEventListener('change', function () { markSelected(row); });
      row.addEventListener('focusin', function () { if (current !== i) { current = i; rows.forEach(function (r, j) { r.classList.toggle('current', j === i); }); } });
    });
    if (selectAll) {
      selectAll.addEventListener('change', function () {
        rows.forEach(function (row) { checkbox(row).checked = selectAll.checked; markSelected(row); });
      });
    }
    var cancel = document.getElementById('qa-cancel');
    if (cancel) cancel.addEventListener('click', function () { quick.close(); });

    document.addEventListener('keydown', function (e) {
      if (typingIn(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      var link;
      switch (e.key) {
        case 'j': case 'ArrowDown': move(current + 1); break;
        case 'k': case 'ArrowUp': move(current - 1); break;
        case 'o': case 'Enter':
          if (current < 0) return;
          link = rows[current].querySelector('a.open');
          if (link) location.href = link.href;
          break;
        case 'x':
          if (current < 0) return;
          checkbox(rows[current]).checked = !checkbox(rows[current]).checked;
          markSelected(rows[current]);
          break;
        case 'c': quickAction('confirmed'); break;
        case 'd': quickAction('dismissed'); break;
        case 'n': link = document.getElementById('next-page'); if (link) location.href = link.href; break;
        case 'p': link = document.getElementById('first-page'); if (link) location.href = link.href; break;
        case '/': var first = document.getElementById('f-status'); if (first) first.focus(); break;
        default: return;
      }
      e.preventDefault();
    });
    if (rows.length > 0) move(0);
  }

  // Report page: a passage number in one column leads to the same passage in the other.
  function setupPassages() {
    document.querySelectorAll('mark.copied[data-passage]').forEach(function (mark) {
      mark.addEventListener('mouseenter', function () {
        document.querySelectorAll('mark.copied[data-passage="' + mark.getAttribute('data-passage') + '"]').forEach(function (m) { m.classList.add('linked'); });
      });
      mark.addEventListener('mouseleave', function () {
        document.querySelectorAll('mark.copied.linked').forEach(function (m) { m.classList.remove('linked'); });
      });
    });
  }

  function start() { setupHelp(); setupQueue(); setupPassages(); }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
