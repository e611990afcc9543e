/**
 * The money simulator panel's page: buttons that POST to the panel's JSON API, and a list of
 * what each simulator accepted or credited, refreshed by polling GET /api/state.
 */
export const PANEL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Jukebox money simulator</title>
<style>
  body { font: 16px system-ui, sans-serif; margin: 1.5rem; max-width: 60rem; }
  button { font-size: 1rem; padding: .6rem 1rem; margin: .25rem; cursor: pointer; }
  .money button { background: #e8f5e9; }
  .fault button { background: #fff3e0; }
  section { display: inline-block; vertical-align: top; width: 45%; margin-right: 4%; }
  .bad { color: #b71c1c; font-weight: bold; }
  code { font-size: .85rem; }
  ol { padding-left: 1.4rem; }
</style>
</head>
<body>
<h1>Money simulator</h1>
<p>Coins: <code id="coinsPath"></code> &nbsp; Notes: <code id="notesPath"></code></p>
<div class="money">
  <button data-post="/api/coin" data-body='{"position":1}'>Insert 25¢</button>
  <button data-post="/api/coin" data-body='{"position":2}'>Insert $1</button>
  <button data-post="/api/note" data-body='{"channel":2}'>Insert $5 note</button>
  <button data-post="/api/note" data-body='{"channel":3}'>Insert $10 note</button>
</div>
<div class="fault">
  <button data-post="/api/fault" data-body='{"target":"coins","action":"jam"}'>Jam coins</button>
  <button data-post="/api/fault" data-body='{"target":"notes","action":"jam"}'>Jam notes</button>
  <button id="clearJam">Clear jam</button>
  <button data-post="/api/fault" data-body='{"target":"coins","action":"power-cycle"}'>Power-cycle coin acceptor</button>
</div>
<p id="message"></p>
<section>
  <h2>Coin acceptor (ccTalk)</h2>
  <p id="coinsStatus"></p>
  <ol id="coins"></ol>
</section>
<section>
  <h2>Note validator (eSSP)</h2>
  <p id="notesStatus"></p>
  <ol id="notes"></ol>
</section>
<h2>Panel log</h2>
<ol id="log" reversed></ol>
<script>
  const $ = (id) => document.getElementById(id);
  let last = null;
  function list(el, items) {
    el.replaceChildren(...items.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }));
  }
  function render(s) {
    last = s;
    $('coinsPath').textContent = s.coins.path;
    $('notesPath').textContent = s.notes.path;
    $('coinsStatus').innerHTML = (s.coins.jammed ? '<span class="bad">JAMMED</span> ' : '') +
      (s.coins.masterInhibited ? 'inhibited by the host' : 'accepting') +
      ' — accepted $' + (s.coins.acceptedCents / 100).toFixed(2);
    $('notesStatus').innerHTML = (s.notes.jammed ? '<span class="bad">JAMMED</span> ' : '') +
      (s.notes.enabled ? 'enabled' : 'disabled by the host') +
      (s.notes.notePhase ? ' — note ' + s.notes.notePhase : '') +
      ' — credited $' + (s.notes.creditedCents / 100).toFixed(2);
    list($('coins'), s.coins.accepted.map((c) => c.code + ' ' + c.valueCents + '¢ (event ' + c.counter + ')'));
    list($('notes'), s.notes.credited.map((n) => n.value + ' ' + n.currency + ' (channel ' + n.channel + ')'));
    list($('log'), s.log.slice().reverse().map((e) => e.at.slice(11, 19) + '  ' + e.action + ': ' + e.outcome));
  }
  async function post(path, body) {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = await res.json();
    $('message').textContent = res.ok ? reply.outcome : reply.error;
    $('message').className = res.ok ? '' : 'bad';
    if (res.ok) render(reply.state);
  }
  for (const b of document.querySelectorAll('[data-post]')) {
    b.addEventListener('click', () => post(b.dataset.post, JSON.parse(b.dataset.body)));
  }
  $('clearJam').addEventListener('click', async () => {
    if (!last || last.coins.jammed) await post('/api/fault', { target: 'coins', action: 'clear-jam' });
    if (!last || last.notes.jammed) await post('/api/fault', { target: 'notes', action: 'clear-jam' });
  });
  async function refresh() {
    try {
      const res = await fetch('/api/state');
      if (res.ok) render(await res.json());
    } catch {
      $('message').textContent = 'the simulator is not running';
    }
    setTimeout(refresh, 500);
  }
  refresh();
</script>
</body>
</html>
`;
