// After htmx has pushed a new URL (search, facets, pages), send the language links to the
// current page in the other language rather than the page as first loaded.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[data-language]");
  if (!link) return;
  var path = window.location.pathname.replace(/^\/en(?=\/)/, "");
  if (link.dataset.language !== "id") path = "/" + link.dataset.language + path;
  link.href = path + window.location.search;
});
