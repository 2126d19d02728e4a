/**
 * A tiny Markdown subset for previews: paragraphs, **bold**, *em*, `code`, lists and links.
 * The input is escaped before any markup is added, and the output is still sanitised with
 * DOMPurify against a short allow-list: the text is the user's, and it must never run.
 */
import DOMPurify from "dompurify";

const ALLOWED_TAGS = ["p", "strong", "em", "code", "ul", "ol", "li", "a", "br"];
const SAFE_URL = /^(https?:|mailto:)/i;

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Inline markup of one escaped line: code first, so that its content is left as written. */
function inline(escaped: string): string {
  const codes: string[] = [];
  const kept = escaped.replace(/`([^`]+)`/g, (_, code: string) => {
    codes.push(code);
    return `\u0000${codes.length - 1}\u0000`;
  });
  return kept
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) =>
      SAFE_URL.test(url) ? `<a href="${url}">${label}</a>` : whole,
    )
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\*([^*]+)\*/g, "<em>$1</em>")
    .replace(/\u0000(\d+)\u0000/g, (_, index: string) => `<code>${codes[Number(index)] ?? ""}</code>`);
}

/** The subset as HTML (not yet sanitised: use {@link renderMarkdown} to display it). */
export function markdownToHtml(text: string): string {
  const blocks = text.replace(/\r\n?/g, "\n").split(/\n\s*\n/);
  return blocks
    .map((block) => block.trim())
    .filter((block) => block !== "")
    .map((block) => {
      const lines = block.split("\n");
      if (lines.every((line) => /^\s*[-*]\s+/.test(line))) {
        return `<ul>${lines.map((line) => `<li>${inline(escapeHtml(line.replace(/^\s*[-*]\s+/, "")))}</li>`).join("")}</ul>`;
      }
      if (lines.every((line) => /^\s*\d+[.)]\s+/.test(line))) {
        return `<ol>${lines.map((line) => `<li>${inline(escapeHtml(line.replace(/^\s*\d+[.)]\s+/, "")))}</li>`).join("")}</ol>`;
      }
      return `<p>${lines.map((line) => inline(escapeHtml(line))).join("<br>")}</p>`;
    })
    .join("");
}

/** The preview of `text` as sanitised DOM nodes, ready to insert. */
export function renderMarkdown(text: string): DocumentFragment {
  return DOMPurify.sanitize(markdownToHtml(text), {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ["href"],
    ALLOWED_URI_REGEXP: SAFE_URL,
    RETURN_DOM_FRAGMENT: true,
  });
}
