/**
 * The API page's stylesheet, inline in the page (helmet's CSP allows inline styles, no scripts):
 * one request, nothing from elsewhere. Colours keep at least 4.5:1 contrast on their background.
 */
export const DOCS_PAGE_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --line: #d0d7de; --panel: #f6f8fa; --link: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--link); }
a:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
code, pre { font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.layout { display: grid; grid-template-columns: minmax(220px, 300px) minmax(0, 1fr); gap: 2rem; max-width: 1400px; margin: 0 auto; padding: 1.5rem; }
header { grid-column: 1 / -1; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
nav { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; font-size: 14px; }
nav ul { list-style: none; margin: 0; padding-left: .75rem; }
nav > ul { padding-left: 0; }
nav li { margin: .15rem 0; }
main { min-width: 0; }
section { margin-bottom: 2.5rem; }
section > h2 { border-bottom: 2px solid var(--line); padding-bottom: .25rem; }
article.op { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 1rem; margin: 1rem 0; }
article.op h3 { display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; font-size: 1.05rem; }
.method { display: inline-block; min-width: 4.2em; text-align: center; border-radius: 4px; padding: .05rem .4rem; font: 700 12px/1.6 ui-monospace, monospace; color: #fff; }
.method-get { background: #1a6b35; } .method-post { background: #0b5cad; } .method-patch { background: #7a4a00; } .method-delete { background: #a4161a; }
.roles { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .25rem 0 .75rem; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--panel); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: .6rem; overflow: auto; max-height: 32rem; }
details > summary { cursor: pointer; color: var(--link); }
h4 { margin: 1rem 0 .25rem; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } nav { position: static; max-height: none; } }
`;
