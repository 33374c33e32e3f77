/**
 * The report's stylesheet, inlined in the page (no file or font is fetched). Colours are the GOV.UK
 * Design System's, each pair at least 4.5:1 (WCAG 2.2 AA, 1.4.3; figures from the WCAG relative
 * luminance formula):
 * - text #0b0c0c on #ffffff 19.6:1; on the #f3f2f1 table headings and bar track 17.5:1
 * - secondary text #505a5f on #ffffff 7.1:1
 * - links #1d70b8 on #ffffff 5.2:1 (visited #4c2c92 10.1:1)
 * - focus: #0b0c0c text on #ffdd00 14.6:1, with a #0b0c0c underline bar (GOV.UK focus state)
 * - unacknowledged findings #d4351c on #ffffff 4.9:1, always with the words, never colour alone
 * - usage bars #1d70b8 on #f3f2f1 4.6:1 inside a #505a5f border (non-text contrast 1.4.11 asks 3:1)
 * System fonts only: a web font would be a network request. `.scroll` is positioned so that the
 * visually hidden texts in a wide table (absolutely positioned) stay inside its scrolling box
 * instead of widening the page at 320 px (WCAG 1.4.10 reflow).
 */
export const STYLE = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:100%;line-height:1.4;color:#0b0c0c;background:#fff}
body{margin:0}
.skip{position:absolute;left:-9999px;top:0;padding:8px 12px;background:#ffdd00;color:#0b0c0c}
.skip:focus{left:8px;top:8px;z-index:10}
header{background:#0b0c0c;color:#fff;padding:10px 16px;font-weight:700}
main,footer{max-width:1200px;margin:0 auto;padding:16px}
main:focus{outline:none}
h1{font-size:2rem;margin:8px 0 16px}
h2{font-size:1.5rem;margin:40px 0 12px;border-top:1px solid #b1b4b6;padding-top:16px}
h3{font-size:1.2rem;margin:24px 0 8px}
a{color:#1d70b8;text-decoration:underline;text-decoration-thickness:max(1px,.0625rem);text-underline-offset:.15em;overflow-wrap:anywhere}
a:visited{color:#4c2c92}
a:focus,summary:focus,input:focus,select:focus,.scroll:focus{outline:3px solid transparent;background:#ffdd00;color:#0b0c0c;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c;text-decoration:none}
input:focus,select:focus,.scroll:focus{background:#fff;outline:3px solid #ffdd00;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
dl.facts{display:grid;grid-template-columns:minmax(8em,max-content) 1fr;gap:4px 16px;margin:0 0 16px}
dl.facts dt{font-weight:700}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.hint{color:#505a5f}
.filters{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-end;margin-bottom:8px}
.filters div{display:flex;flex-direction:column;min-width:0;flex:1 1 14em;max-width:24em}
label{font-weight:700;margin-bottom:4px}
input,select{font:inherit;padding:6px;border:2px solid #0b0c0c;border-radius:0;background:#fff;color:#0b0c0c;min-height:40px;width:100%}
#count{font-weight:700}
.scroll{position:relative;overflow-x:auto;max-width:100%;margin-bottom:16px}
table{border-collapse:collapse;width:100%;font-size:.95rem}
table.services{min-width:75rem}
table.services tbody th{white-space:nowrap}
td.urls{min-width:18em}
caption{text-align:left;font-weight:700;padding:4px 0 8px}
th,td{border-bottom:1px solid #b1b4b6;padding:8px 10px 8px 0;text-align:left;vertical-align:top}
thead th{background:#f3f2f1;padding-left:6px}
tbody th{font-weight:700}
td ul{margin:0;padding-left:1.1em}
td.num{text-align:right;white-space:nowrap}
.open{color:#d4351c;font-weight:700}
.bar{display:block;width:100%;max-width:8em;min-width:4em;height:12px;border:1px solid #505a5f;background:#f3f2f1;margin-top:4px}
.bar span{display:block;height:100%;background:#1d70b8}
details summary{cursor:pointer;color:#1d70b8;text-decoration:underline}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:13px;fill:#0b0c0c}
svg text.col{font-weight:700;fill:#505a5f}
svg .box{fill:#fff;stroke:#0b0c0c;stroke-width:1.5}
svg .box.shards,svg .box.internet{fill:#f3f2f1}
svg .box.addons{fill:#e8f1f8}
svg .box.more{stroke-dasharray:4 3;fill:#fff}
svg .edge{fill:none;stroke:#505a5f;stroke-width:1.5}
footer{color:#505a5f;border-top:1px solid #b1b4b6;margin-top:40px}
@media (max-width:640px){h1{font-size:1.6rem}h2{font-size:1.3rem}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:8px}}
`;
