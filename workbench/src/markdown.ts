// The little Markdown a memo uses, rendered safely: the text is HTML-escaped first, then
// headings (## and ###), block quotes, nested lists ("- " indented by two), paragraphs,
// **bold**, `code` and [n] references (links to the memo's numbered sources).

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function inline(s: string, refPrefix: string): string {
  return escape(s)
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\[(\d+)\]/g, `<a class="ref" href="#${refPrefix}-$1">[$1]</a>`);
}

/** HTML for `markdown`; `refPrefix` names the ids [n] links point to. */
export function markdownToHtml(markdown: string, refPrefix = "memo-ref"): string {
  const out: string[] = [];
  let paragraph: string[] = [];
  let quote: string[] = [];
  let depth = 0; // open <ul> levels

  const closeParagraph = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map((l) => inline(l, refPrefix)).join("<br>")}</p>`);
    paragraph = [];
  };
  const closeQuote = () => {
    if (quote.length) out.push(`<blockquote>${quote.map((l) => inline(l, refPrefix)).join(" ")}</blockquote>`);
    quote = [];
  };
  const closeLists = (to: number) => {
    for (; depth > to; depth--) out.push("</li></ul>");
  };
  const closeAll = () => {
    closeParagraph();
    closeQuote();
    closeLists(0);
  };

  for (const line of markdown.split("\n")) {
    const item = /^(\s*)[-*] (.*)$/.exec(line);
    const heading = /^(#{1,4}) (.*)$/.exec(line);
    if (line.trim() === "") {
      closeAll();
    } else if (heading) {
      closeAll();
      const level = Math.min(heading[1].length + 2, 6); // inside the page's own h2/h3
      out.push(`<h${level}>${inline(heading[2], refPrefix)}</h${level}>`);
    } else if (line.startsWith("> ") || line === ">") {
      closeParagraph();
      closeLists(0);
      quote.push(line.slice(2));
    } else if (item) {
      closeParagraph();
      closeQuote();
      const level = Math.floor(item[1].length / 2) + 1;
      if (level > depth) {
        for (; depth < level; depth++) out.push("<ul><li>");
      } else {
        closeLists(level);
        out.push("</li><li>");
      }
      const ref = /^\[(\d+)\] /.exec(item[2]);
      if (ref) out[out.length - 1] = out[out.length - 1].replace(/<li>$/, `<li id="${refPrefix}-${ref[1]}">`);
      out.push(inline(item[2], refPrefix));
    } else if (depth > 0 && /^\s+\S/.test(line)) {
      out.push(` ${inline(line.trim(), refPrefix)}`); // a list item's continued line
    } else {
      closeQuote();
      closeLists(0);
      paragraph.push(line);
    }
  }
  closeAll();
  return out.join("");
}
