// Form pages work without this script: every answer has a radio group or a number box. With it, a 0-10 line also
// gets a slider, kept in step with its number box both ways, so either can be used.
(function () {
  'use strict';
  document.querySelectorAll('input.slider[data-for]').forEach(function (slider) {
    var box = document.getElementById(slider.getAttribute('data-for'));
    if (!box) { return; }
    slider.parentElement.hidden = false;
    slider.addEventListener('input', function () { box.value = slider.value; });
    box.addEventListener('input', function () { if (box.value !== '' && !isNaN(Number(box.value))) { slider.value = box.value; } });
  });
}());
