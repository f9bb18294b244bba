/*
  The quality pages' script (no inline scripts: the CSP forbids them). Everything works
  without it.
*/
(function () {
  "use strict";
})();
