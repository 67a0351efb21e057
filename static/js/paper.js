// The keyboard-first paper entry screen (GET /paper/entry). Without this
// script the page is a plain form; with it, one question at a time: the
// code keys printed beside the boxes pick an answer (toggle on a
// multi-choice item), Enter moves on, Backspace goes back, and after the
// last question a summary waits for Enter to save.
(function () {
  "use strict";
  var serial = document.getElementById("serial");
  if (serial) {
    serial.focus();
    serial.select();
  }
  var form = document.getElementById("paper-entry");
  if (!form) {
    return;
  }
  var qs = Array.prototype.slice.call(form.querySelectorAll("fieldset.pq"));
  var summary = document.getElementById("summary");
  var cur = 0;
  form.classList.add("kb");

  function textOf(input) {
    var lbl = input.closest("label").querySelector(".lbl");
    return input.getAttribute("data-key") + " – " + (lbl ? lbl.textContent : input.value);
  }

  function answerOf(q) {
    var ta = q.querySelector("textarea");
    if (ta) {
      return ta.value.trim();
    }
    return Array.prototype.map.call(q.querySelectorAll("input:checked"), textOf).join("; ");
  }

  function fillSummary() {
    var ol = summary.querySelector("ol");
    ol.textContent = "";
    qs.forEach(function (q) {
      var li = document.createElement("li");
      var a = answerOf(q);
      li.textContent = a === "" ? "—" : a;
      li.setAttribute("data-item", q.getAttribute("data-item"));
      ol.appendChild(li);
    });
  }

  function show(i) {
    cur = i;
    qs.forEach(function (q, j) {
      q.classList.toggle("current", j === i);
    });
    summary.hidden = i !== qs.length;
    if (i === qs.length) {
      fillSummary();
      summary.focus();
      return;
    }
    var ta = qs[i].querySelector("textarea");
    (ta || qs[i]).focus();
  }

  function pick(q, input) {
    if (input.type === "radio") {
      input.checked = true;
    } else {
      input.checked = !input.checked;
      var excl = q.getAttribute("data-exclusive");
      if (input.checked && excl) {
        q.querySelectorAll("input:checked").forEach(function (other) {
          if (other !== input && (other.value === excl || input.value === excl)) {
            other.checked = false;
          }
        });
      }
    }
    q.classList.remove("need");
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) {
      return;
    }
    if (cur === qs.length) {
      if (e.key === "Enter") {
        e.preventDefault();
        form.submit();
      } else if (e.key === "Backspace") {
        e.preventDefault();
        show(qs.length - 1);
      }
      return;
    }
    var q = qs[cur];
    var ta = q.querySelector("textarea");
    if (ta) {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        show(cur + 1);
      } else if (e.key === "Backspace" && ta.value === "" && cur > 0) {
        e.preventDefault();
        show(cur - 1);
      }
      return;
    }
    if (e.key === "Enter") {
      e.preventDefault();
      if (q.hasAttribute("data-required") && !q.querySelector("input:checked")) {
        q.classList.add("need");
        return;
      }
      show(cur + 1);
      return;
    }
    if (e.key === "Backspace") {
      e.preventDefault();
      if (cur > 0) {
        show(cur - 1);
      }
      return;
    }
    if (e.key.length !== 1) {
      return;
    }
    var key = e.key.toLowerCase();
    var inputs = q.querySelectorAll("input[data-key]");
    for (var k = 0; k < inputs.length; k++) {
      if (inputs[k].getAttribute("data-key") === key) {
        e.preventDefault();
        pick(q, inputs[k]);
        return;
      }
    }
  });

  var bad = form.querySelector("fieldset.pq.bad");
  show(bad ? qs.indexOf(bad) : 0);
})();
