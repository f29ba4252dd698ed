// A small self-contained query explorer (no assets from elsewhere): a key, a query, variables, the answer.
export const EXPLORER_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Keel GraphQL</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:grid;grid-template-columns:1fr 1fr;grid-template-rows:auto 1fr;height:100vh}
header{grid-column:1/3;padding:8px 12px;background:#123;color:#fff;display:flex;gap:12px;align-items:center}
header input{flex:1;max-width:420px} textarea,pre{margin:0;padding:10px;font:13px ui-monospace,monospace;border:0;border-right:1px solid #ccc;overflow:auto}
#left{display:grid;grid-template-rows:3fr 1fr} pre{background:#f7f7f7;white-space:pre-wrap}
</style></head><body>
<header><b>Keel GraphQL</b><input id="key" placeholder="API key (apiAccessKey)"><button id="run">Run ▶</button>
<a style="color:#9cf" href="/docs">REST docs</a></header>
<div id="left"><textarea id="q" spellcheck="false">{
  Order(where: {status: {_eq: "Activated"}}, orderBy: {activatedDate: asc, totalAmount: asc}, limit: 10) {
    orderNumber activatedDate totalAmount
    customer { id name totalTCV todayARR todayCMRR }
  }
}</textarea><textarea id="v" spellcheck="false" placeholder="variables (JSON)"></textarea></div>
<pre id="out"></pre>
<script>
const $ = (id) => document.getElementById(id);
$('key').value = localStorage.getItem('keelKey') || '';
$('run').onclick = async () => {
  localStorage.setItem('keelKey', $('key').value);
  let variables; try { variables = $('v').value.trim() ? JSON.parse($('v').value) : undefined; } catch (e) { $('out').textContent = 'variables: ' + e.message; return; }
  const res = await fetch('/async/graphql', { method: 'POST', headers: { 'content-type': 'application/json', apiAccessKey: $('key').value }, body: JSON.stringify({ query: $('q').value, variables }) });
  $('out').textContent = JSON.stringify(await res.json(), null, 2);
};
</script></body></html>`;
