/**
 * The HTML page shell and its building blocks: escaping, the accessible table, the page with its
 * Content Security Policy and inline CSS.
 */
/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export interface Cell {
  readonly text?: string;
  /** Pre-escaped HTML (built with `esc`). */
  readonly html?: string;
  readonly num?: boolean;
  readonly header?: boolean;
  readonly cls?: string;
  readonly colspan?: number;
  /** A title attribute (hover text). */
  readonly title?: string;
}

export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly Cell[][],
  foot: readonly Cell[][] = [],
): string {
  const renderRow = (cells: readonly Cell[]): string =>
    '<tr>' +
    cells
      .map((c) => {
        const tag = c.header ? 'th' : 'td';
        const classes = [c.num ? 'num' : '', c.cls ?? ''].filter(Boolean).join(' ');
        const attrs =
          (c.header ? ' scope="row"' : '') +
          (classes ? ` class="${classes}"` : '') +
          (c.colspan ? ` colspan="${c.colspan}"` : '');
        return `<${tag}${attrs}>${c.html ?? esc(c.text ?? '')}</${tag}>`;
      })
      .join('') +
    '</tr>';
  return (
    // The caption shows above the scroll box (a caption inside a table wider than the screen is cut
    // off); the table keeps a visually hidden <caption> for screen readers.
    `<p class="caption" aria-hidden="true">${esc(caption)}</p>` +
    `<div class="table-wrap"><table><caption class="sr">${esc(caption)}</caption>` +
    `<thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map(renderRow).join('')}</tbody>` +
    (foot.length > 0 ? `<tfoot>${foot.map(renderRow).join('')}</tfoot>` : '') +
    `</table></div>`
  );
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cdk-ml-cost">
<title>${esc(title)}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const CSS = `
:root{--fg:#1b1f24;--muted:#59636e;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--accent:#0b5cad;--bad:#a4000f;--ok:#1a7f37;--warnbg:#fff4e5;--warnline:#c24e00}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
header,main{max-width:1180px;margin:0 auto;padding:0 clamp(12px,3vw,24px)}
main>section,main>*{min-width:0}
header{padding-top:24px}
h1{font-size:clamp(1.35rem,4.5vw,1.7rem);margin:0 0 4px}
h2{font-size:1.2rem;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:0 0 4px;font-size:1.1rem}
a{color:var(--accent)}
.meta,.muted{color:var(--muted)}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,220px),1fr));gap:12px}
.figure{border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:var(--soft);min-width:0}
.figure .label{font-weight:600;color:var(--muted);text-transform:uppercase;font-size:.8rem;letter-spacing:.04em}
.figure .value{font-size:clamp(1.3rem,5vw,1.6rem);font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.figure.main{border-color:var(--accent);background:#eef5fc}
.figure.main .value{color:var(--accent);font-size:clamp(1.5rem,6vw,2rem)}
.figure .sub{color:var(--muted);font-size:.85rem}
.stacks{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,320px),1fr));gap:12px}
.stack{border:1px solid var(--line);border-radius:8px;padding:14px 16px;min-width:0;container-type:inline-size}
.stack dl{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:6px;margin:8px 0}
.stack dl div{background:var(--soft);border-radius:6px;padding:6px 8px;min-width:0}
.stack dl div.main{background:#eef5fc}
.stack dt{font-size:.75rem;color:var(--muted);text-transform:uppercase}
.stack dd{margin:0;font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap;font-size:clamp(.7rem,3.6cqi,1rem)}
.stack p{margin:4px 0}
.budget{border-left:3px solid var(--line);padding-left:8px;margin:8px 0}
.region{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9rem}
.ok{color:var(--ok)}.bad{color:var(--bad)}.warn-text{color:var(--warnline)}
.box{border-radius:8px;padding:4px 18px 12px;margin-top:20px}
.box h2{border:0;margin-top:12px}
.warn{background:var(--warnbg);border:2px solid var(--warnline)}
.warn h2{color:var(--bad)}
.ok-box{background:#eefbf1;border:1px solid #9bd3a8}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,460px),1fr));gap:16px}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:10px;min-width:0}
figcaption{color:var(--muted);font-size:.85rem;margin-top:6px}
svg.chart{display:block;width:100%;max-width:640px;height:auto;font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
svg.chart text{fill:var(--fg)}
svg.chart text.v{font-weight:600;font-variant-numeric:tabular-nums}
svg.chart text.small,svg.chart text.legend{fill:var(--muted);font-size:11px}
svg.chart .axis{stroke:var(--line);stroke-width:1}
svg.chart .range{fill:#9cc3e6}
svg.chart .expected{fill:var(--accent);stroke:#fff;stroke-width:2}
.table-wrap{overflow-x:auto;max-width:100%;margin:0 0 16px;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:.9rem}
p.caption{font-weight:600;margin:12px 0 4px;color:var(--muted)}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft);border-bottom:2px solid var(--line);white-space:nowrap}
tbody th{font-weight:600}
th.res{min-width:12em}
.id{overflow-wrap:anywhere}
tfoot th,tfoot td{font-weight:700;border-top:2px solid var(--line)}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.num.price{white-space:normal;min-width:7em}
td.exp{font-weight:600}
.nowrap{white-space:nowrap}
.desc{min-width:16em;font-size:.85rem}
.lines table{font-size:.85rem}
.type,.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8rem}
.path{color:var(--muted);font-weight:400;word-break:break-all}
.id{display:block;color:var(--muted);font-weight:400;font-size:.75rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
.notes{color:var(--muted);font-size:.8rem}
.usage{font-style:italic;color:#6e4a00}
.badge{display:inline-block;font-size:.7rem;border:1px solid var(--warnline);color:var(--warnline);border-radius:10px;padding:0 6px;margin-left:4px}
.up{color:var(--bad);font-weight:700}.down{color:var(--ok);font-weight:700}
.side{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,320px),1fr));gap:16px}
details>summary{cursor:pointer}
details>summary h2{display:inline;border:0}
details.tail{margin-bottom:12px}
.print-only{display:none}
.verdict{border-radius:8px;padding:10px 16px;margin-top:16px;font-weight:600}
.verdict.tripped{background:var(--warnbg);border:2px solid var(--bad);color:var(--bad)}
.verdict.held{background:#eefbf1;border:1px solid #9bd3a8;color:var(--ok)}
.changes{margin:0;padding-left:1.1em;font-size:.85rem}
@media print{
  @page{size:A4;margin:12mm}
  body{font-size:9pt}
  header,main{max-width:none;padding:0}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  h2{break-after:avoid;margin:14px 0 6px;font-size:12pt}
  .figure,.stack,figure,.box,tr{break-inside:avoid}
  thead{display:table-header-group}
  .table-wrap{overflow:visible}
  table{font-size:8pt}
  th,td{padding:2px 4px}
  .screen-only{display:none}
  .print-only{display:block}
  .charts{grid-template-columns:repeat(3,minmax(0,1fr));gap:8px}
  figcaption{font-size:7pt}
  .stacks{grid-template-columns:repeat(2,minmax(0,1fr))}
  .figures{grid-template-columns:repeat(3,minmax(0,1fr))}
  a{color:inherit}
}
`;
