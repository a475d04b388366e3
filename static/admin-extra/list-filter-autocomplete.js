// The article list's tag, author and section filters: choosing an item in a
// search box (the admin's select2 autocomplete) opens the list filtered by it,
// under the filter's usual query parameter; clearing the box removes it.
"use strict";
{
  const $ = django.jQuery;
  $(() => {
    $("select.list-filter-autocomplete").on("change", (event) => {
      const url = new URL(window.location.href);
      const { name, value } = event.target;
      if (value) {
        url.searchParams.set(name, value);
      } else {
        url.searchParams.delete(name);
      }
      // A new filter starts on the first page; "e" is the admin's error flag.
      url.searchParams.delete("p");
      url.searchParams.delete("e");
      window.location.assign(url);
    });
  });
}
