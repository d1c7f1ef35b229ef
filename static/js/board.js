/* Opportunity board: confirm a move and keep the moved card in view; drag and drop between
   levels 1-5 on desktop, posting to the same move endpoint as the arrow buttons (so the
   checklist gate and its dialog apply unchanged). No dependencies beyond htmx. */
(function () {
  "use strict";

  var toastTimer = null;

  function showToast(message) {
    var toast = document.getElementById("board-toast");
    if (!toast) return;
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, 4000);
  }

  document.body.addEventListener("deal-moved", function (event) {
    var detail = event.detail || {};
    showToast(detail.message || "");
    var card = document.getElementById("deal-" + detail.id);
    if (card) {
      card.classList.add("board-card-moved");
      card.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    }
  });

  function boardOf(element) {
    return element.closest("[data-board-moves]");
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (!card || !boardOf(card)) return;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("board-card-dragging");
  });

  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".board-card");
    if (card) card.classList.remove("board-card-dragging");
    document.querySelectorAll(".board-column-over").forEach(function (column) {
      column.classList.remove("board-column-over");
    });
  });

  function dropColumn(event) {
    var column = event.target.closest && event.target.closest(".board-column");
    // Level 6 is reached by collection only, never by hand.
    if (!column || !boardOf(column) || Number(column.dataset.level) > 5) return null;
    return column;
  }

  document.addEventListener("dragover", function (event) {
    var column = dropColumn(event);
    if (!column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    column.classList.add("board-column-over");
  });

  document.addEventListener("dragleave", function (event) {
    var column = dropColumn(event);
    if (column && !column.contains(event.relatedTarget)) {
      column.classList.remove("board-column-over");
    }
  });

  document.addEventListener("drop", function (event) {
    var column = dropColumn(event);
    if (!column) return;
    event.preventDefault();
    column.classList.remove("board-column-over");
    var card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (!card || !card.dataset.moveUrl || card.dataset.level === column.dataset.level) return;
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "innerHTML",
      values: { to_level: column.dataset.level, from: "board", owner: boardOf(column).dataset.owner || "" },
    });
  });
})();
