// Progressive enhancement of the ODRL import form: a chosen file is read into the textarea, which
// is what the form sends (the file input has no name, so without JavaScript pasting works alike).
(function () {
  'use strict';
  // The textarea's own bound (maxlength); a larger file is refused here rather than cut.
  function limitOf(area) {
    var max = Number(area.getAttribute('maxlength'));
    return max > 0 ? max : Infinity;
  }
  function say(input, text) {
    var id = input.id + '-status';
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement('p');
      note.id = id;
      note.className = 'hint small';
      note.setAttribute('role', 'status');
      input.insertAdjacentElement('afterend', note);
    }
    note.textContent = text;
  }
  document.querySelectorAll('input[type=file][data-fills]').forEach(function (input) {
    var area = document.getElementById(input.getAttribute('data-fills'));
    if (!area) return;
    input.addEventListener('change', function () {
      var file = input.files && input.files[0];
      if (!file) return;
      if (file.size > limitOf(area)) {
        say(input, file.name + ' is too large for this form; import it through POST /api/consents/import.');
        return;
      }
      file.text().then(
        function (text) {
          area.value = text;
          say(input, file.name + ' read into the box below; check it, then import.');
        },
        function () {
          say(input, file.name + ' could not be read.');
        },
      );
    });
  });
})();
