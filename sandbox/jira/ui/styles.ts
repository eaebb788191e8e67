/** The web UI's stylesheet (served at /_ui/app.css). Plain CSS, Jira-like colours, no framework. */
export const STYLES = `
:root { --text: #172b4d; --muted: #5e6c84; --border: #dfe1e6; --bg: #f4f5f7; --brand: #0052cc; --brand-dark: #0747a6; --danger: #bf2600; --ok: #006644; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; font-size: 14px; color: var(--text); }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; line-height: 1.45; }
a { color: var(--brand); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 2px solid #4c9aff; outline-offset: 1px; }
.skip-link { position: absolute; left: -9999px; top: 0; }
.skip-link:focus { left: 8px; top: 8px; z-index: 10; background: #fff; padding: 4px 8px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-header { display: flex; align-items: center; gap: 24px; padding: 0 20px; height: 48px; background: var(--brand-dark); color: #fff; }
.site-header a { color: #fff; text-decoration: none; }
.site-header .site-name { font-weight: 600; font-size: 15px; }
.site-header ul { display: flex; gap: 4px; list-style: none; margin: 0; padding: 0; }
.site-header li a { display: block; padding: 6px 10px; border-radius: 3px; }
.site-header li a:hover, .site-header li a[aria-current="page"] { background: rgba(255,255,255,0.18); }
main { padding: 16px 20px 40px; max-width: 1400px; }
h1 { font-size: 22px; margin: 8px 0 16px; font-weight: 500; }
h2 { font-size: 15px; margin: 20px 0 8px; }
.muted, .hint { color: var(--muted); }
.hint { font-size: 12px; margin: 2px 0 8px; }
.error { color: var(--danger); background: #ffebe6; padding: 8px 10px; border-radius: 3px; white-space: pre-wrap; }
.success { color: var(--ok); background: #e3fcef; padding: 8px 10px; border-radius: 3px; }
label { display: block; font-weight: 600; font-size: 12px; color: var(--muted); margin: 10px 0 4px; }
input[type="text"], select, textarea { width: 100%; padding: 6px 8px; border: 2px solid var(--border); border-radius: 3px; font: inherit; color: inherit; background: #fafbfc; }
textarea { resize: vertical; }
input[aria-invalid="true"] { border-color: var(--danger); }
button { font: inherit; padding: 6px 12px; border: 0; border-radius: 3px; background: rgba(9,30,66,0.08); color: var(--text); cursor: pointer; }
button:hover { background: rgba(9,30,66,0.14); }
button[type="submit"], button.primary { background: var(--brand); color: #fff; }
button[type="submit"]:hover, button.primary:hover { background: var(--brand-dark); }
button.danger { background: var(--danger); color: #fff; }
button:disabled { opacity: 0.55; cursor: default; }
.inline-field { display: flex; gap: 8px; }
.inline-field input { flex: 1; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.issues-layout { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 24px; align-items: start; }
.card { border: 1px solid var(--border); border-radius: 3px; padding: 4px 16px 16px; background: #fff; }
.card form button[type="submit"] { margin-top: 12px; }
.issue-table { width: 100%; border-collapse: collapse; margin-top: 8px; }
.issue-table th, .issue-table td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--border); vertical-align: top; }
.issue-table thead th { color: var(--muted); font-size: 12px; }
.issue-table tbody tr:hover { background: var(--bg); }
#load-more { margin-top: 12px; }
.breadcrumb { color: var(--muted); margin: 4px 0; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 12px; }
.toolbar [role="group"] { display: flex; flex-wrap: wrap; gap: 6px; }
.issue-layout { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 28px; align-items: start; }
.fields { margin: 0; }
.fields > div { display: grid; grid-template-columns: 130px minmax(0, 1fr); gap: 8px; padding: 4px 0; }
.fields dt { color: var(--muted); font-weight: 600; font-size: 12px; padding-top: 2px; overflow-wrap: anywhere; }
.fields dd { margin: 0; overflow-wrap: anywhere; }
.status-lozenge { display: inline-block; padding: 0 6px; border-radius: 3px; background: #dfe1e6; font-size: 11px; font-weight: 700; text-transform: uppercase; }
.adf p { margin: 0 0 8px; }
.adf pre { background: var(--bg); padding: 8px; overflow: auto; border-radius: 3px; }
.adf code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; background: var(--bg); padding: 1px 3px; }
.adf pre code { background: none; padding: 0; }
.adf blockquote { border-left: 2px solid var(--border); margin: 0 0 8px; padding-left: 12px; color: var(--muted); }
.adf table { border-collapse: collapse; } .adf td, .adf th { border: 1px solid var(--border); padding: 4px 6px; }
.adf-panel { background: #deebff; padding: 8px 12px; border-radius: 3px; margin-bottom: 8px; }
.adf-unknown { background: #fffae6; }
.adf-mention { background: var(--bg); border-radius: 10px; padding: 0 4px; }
.comments { list-style: none; margin: 0; padding: 0; }
.comment { border-top: 1px solid var(--border); padding: 10px 0; }
.comment header { display: flex; gap: 8px; align-items: baseline; font-size: 12px; color: var(--muted); }
.comment header strong { color: var(--text); }
.comment .actions { display: flex; gap: 6px; margin-top: 4px; }
.comment .actions button { padding: 2px 8px; font-size: 12px; }
.properties dt { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; font-weight: 600; margin-top: 8px; }
.properties dd { margin: 0; }
.properties pre { margin: 2px 0; background: var(--bg); padding: 6px; font-size: 12px; overflow: auto; max-height: 240px; }
.panel-frame { width: 100%; min-height: 220px; border: 1px solid var(--border); border-radius: 3px; resize: vertical; }
.admin-frame { display: block; width: 100%; height: calc(100vh - 140px); min-height: 480px; border: 1px solid var(--border); }
.form-actions { display: flex; gap: 8px; margin-top: 12px; }
@media (max-width: 1100px) { .issues-layout, .issue-layout { grid-template-columns: minmax(0, 1fr); } }
`;
