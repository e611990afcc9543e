/**
 * The operator view: a page the core serves at /operator for the venue's staff and the route
 * operator. It reads /api/v1/status once a second (content sync progress, telemetry backlog,
 * money, acceptors, player) and acts through the operator API with the box's operator token,
 * which the page asks for once and keeps for the browser tab only (sessionStorage).
 * Plain HTML, CSS and JS as separate files, so the core's CSP (no inline script or style)
 * holds here too.
 */
export const OPERATOR_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Jukebox operator</title>
<link rel="stylesheet" href="/operator/app.css">
<script src="/operator/app.js" defer></script>
</head>
<body>
<header>
  <h1>Operator <span id="boxName"></span></h1>
  <p id="version"></p>
</header>
<form id="tokenForm" aria-label="Sign in">
  <label>Operator token <input id="token" type="password" autocomplete="off"
    placeholder="contents of operator.token in the box's data folder"></label>
  <button type="submit">Use</button>
  <span id="tokenState" role="status"></span>
</form>
<p id="message" role="status" aria-live="polite"></p>
<main>
<section aria-labelledby="syncTitle">
  <h2 id="syncTitle">Content sync</h2>
  <p id="link"></p>
  <progress id="syncBar" max="1" value="0" aria-label="Sync progress"></progress>
  <p id="syncText"></p>
  <p>
    <button id="pause" type="button">Pause downloads</button>
    <button id="resume" type="button">Resume downloads</button>
  </p>
  <h3>Telemetry</h3>
  <p id="telemetry"></p>
</section>
<section aria-labelledby="moneyTitle">
  <h2 id="moneyTitle">Money</h2>
  <p id="credits"></p>
  <table aria-label="Cash box">
    <thead><tr><th>Denomination</th><th>Count</th><th>Total</th></tr></thead>
    <tbody id="cashbox"></tbody>
  </table>
  <ul id="acceptors" aria-label="Acceptors"></ul>
  <form id="freeCredits" aria-label="Free credits">
    <h3>Free credits</h3>
    <label>Credits <input name="credits" type="number" min="1" max="1000" value="1" required></label>
    <label>Reason <input name="reason" required minlength="3" maxlength="200"></label>
    <label>Your name <input name="staff" required maxlength="64"></label>
    <button type="submit">Give</button>
  </form>
  <form id="collect" aria-label="Collection">
    <h3>Collection</h3>
    <label>Your name <input name="staff" required maxlength="64"></label>
    <button type="submit">Record that the cash box was emptied</button>
  </form>
</section>
<section aria-labelledby="retailTitle" id="retail" hidden>
  <h2 id="retailTitle">CD burning</h2>
  <p id="orders"></p>
  <ul id="burners" aria-label="Burners"></ul>
  <form id="voucher" aria-label="Voucher">
    <h3>Voucher</h3>
    <label>Credits <input name="credits" type="number" min="1" max="100000" value="899" required></label>
    <label>Note <input name="note" maxlength="200" placeholder="e.g. scratched disc"></label>
    <label>Your name <input name="staff" required maxlength="64"></label>
    <button type="submit">Issue a voucher</button>
    <p id="voucherCode" role="status"></p>
  </form>
</section>
<section aria-labelledby="playerTitle">
  <h2 id="playerTitle">Player</h2>
  <p id="player"></p>
  <p id="library"></p>
</section>
</main>
</body>
</html>
`;

export const OPERATOR_CSS = `
body { font: 16px system-ui, sans-serif; margin: 1rem 1.5rem; color: #1b1b1b; background: #fafafa; }
header h1 { margin-bottom: 0; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1.5rem; }
section { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 0 1rem 1rem; }
progress { width: 100%; height: 1.4rem; }
button { font-size: 1rem; padding: .5rem .9rem; margin: .2rem .2rem .2rem 0; cursor: pointer; }
label { display: block; margin: .4rem 0; }
input { font-size: 1rem; padding: .3rem; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { text-align: left; padding: .2rem .8rem .2rem 0; }
#message.bad, .bad { color: #b71c1c; font-weight: bold; }
.ok { color: #1b5e20; }
`;

export const OPERATOR_JS = `'use strict';
const $ = (id) => document.getElementById(id);
const tokenKey = 'jukebox-operator-token';
let status = null;

function say(text, bad) {
  const m = $('message');
  m.textContent = text;
  m.className = bad ? 'bad' : 'ok';
}

function money(cents, minor) {
  return (cents / Math.pow(10, minor)).toFixed(minor);
}

function size(bytes) {
  if (bytes >= 1e9) return (bytes / 1e9).toFixed(2) + ' GB';
  if (bytes >= 1e6) return (bytes / 1e6).toFixed(1) + ' MB';
  if (bytes >= 1e3) return (bytes / 1e3).toFixed(0) + ' kB';
  return bytes + ' B';
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.textContent = c;
    tr.appendChild(td);
  }
  return tr;
}

function render(s) {
  status = s;
  $('boxName').textContent = s.box.name + ' (' + s.box.id + ')';
  $('version').textContent = 'software ' + s.version;
  const f = s.fleet;
  if (!f) {
    $('link').textContent = 'No fleet server configured: this box plays its own library.';
    $('syncBar').value = 0;
    $('syncText').textContent = '';
  } else {
    $('link').textContent = 'Server ' + f.server + (f.boxId ? ', box ' + f.boxId : '') +
      ': link ' + f.link + (f.detail ? ' (' + f.detail + ')' : '');
    const y = f.sync;
    if (y) {
      const total = y.bytes.total;
      $('syncBar').max = Math.max(total, 1);
      $('syncBar').value = y.phase === 'idle' ? $('syncBar').max : y.bytes.done;
      let text = 'Manifest ' + y.manifestVersion + ' · ' + y.phase;
      if (y.targetVersion !== null) text += ' to version ' + y.targetVersion;
      if (total > 0 && y.phase !== 'idle') {
        text += ' · ' + y.files.done + ' of ' + y.files.total + ' files, ' +
          size(y.bytes.done) + ' of ' + size(total);
      }
      if (y.detail) text += ' · ' + y.detail;
      if (y.lastSyncAt) text += ' · last sync ' + new Date(y.lastSyncAt).toLocaleString();
      $('syncText').textContent = text;
    }
  }
  const t = s.telemetry;
  $('telemetry').textContent = t.pending + ' records waiting to go up (newest #' + t.lastSeq +
    ', server has up to #' + t.ackedSeq + '); ' + t.songRequests + ' song requests';
  const minor = 2;
  $('credits').textContent = 'Credits on the box: ' + s.credits +
    ' · cash box since ' + (s.money.totals.sinceCollection ? new Date(s.money.totals.sinceCollection).toLocaleString() : 'the first coin') +
    ': ' + money(s.money.totals.totalCents, minor);
  const body = $('cashbox');
  body.replaceChildren(...s.money.totals.byDenomination.map((d) =>
    row([d.denomination, String(d.count), money(d.totalCents, minor)])));
  $('acceptors').replaceChildren(...s.money.devices.map((d) => {
    const li = document.createElement('li');
    li.textContent = d.id + ': ' + d.state + (d.fault ? ' (' + d.fault + ')' : '');
    if (d.state !== 'ready') li.className = 'bad';
    return li;
  }));
  const r = s.retail;
  $('retail').hidden = !r;
  if (r) {
    const o = r.orders;
    $('orders').textContent = 'Orders: ' + o.queued + ' queued, ' +
      (o.assembling + o.burning + o.verifying) + ' in the works, ' + o.done + ' done, ' +
      o.refunded + ' refunded';
    $('burners').replaceChildren(...r.burners.map((b) => {
      const li = document.createElement('li');
      li.textContent = b.id + ' (' + b.driver + '): ' + b.state +
        (b.trackingNumber ? ' · order ' + b.trackingNumber : '') +
        (b.progress !== null ? ' · ' + Math.round(b.progress * 100) + '%' : '') +
        (b.detail ? ' · ' + b.detail : '');
      if (b.state === 'offline') li.className = 'bad';
      return li;
    }));
  }
  const np = s.nowPlaying;
  $('player').textContent = 'Player ' + s.player + (np ? ' · now playing ' + np.track.title + ' by ' + np.track.artist : '') +
    ' · ' + s.queue.length + ' in the queue';
  $('library').textContent = s.library.tracks + ' tracks in the library';
}

async function poll() {
  try {
    const res = await fetch('/api/v1/status', { cache: 'no-store' });
    if (res.ok) render(await res.json());
  } catch (err) {
    say('The core does not answer: ' + err.message, true);
  }
}

async function act(path, body) {
  const token = sessionStorage.getItem(tokenKey);
  if (!token) {
    say('Enter the operator token first.', true);
    return null;
  }
  const res = await fetch('/api/v1/operator' + path, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) {
    say(answer.error || 'Refused (HTTP ' + res.status + ')', true);
    return null;
  }
  void poll();
  return answer;
}

$('tokenForm').addEventListener('submit', (e) => {
  e.preventDefault();
  const token = $('token').value.trim();
  if (token) sessionStorage.setItem(tokenKey, token);
  $('token').value = '';
  $('tokenState').textContent = sessionStorage.getItem(tokenKey) ? 'token set for this tab' : '';
});
$('pause').addEventListener('click', async () => {
  const reason = prompt('Why pause downloads?', 'operator on site');
  if (reason && (await act('/sync/pause', { reason }))) say('Downloads paused.');
});
$('resume').addEventListener('click', async () => {
  if (await act('/sync/resume', {})) say('Downloads resumed.');
});
$('freeCredits').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await act('/credits', {
    credits: Number(f.get('credits')), reason: String(f.get('reason')), staff: String(f.get('staff')),
  });
  if (r) say('Gave ' + r.entry.credits + ' credits; the box now has ' + r.balance + '.');
});
$('collect').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const r = await act('/collection', { staff: String(f.get('staff')) });
  if (r) say('Collection #' + r.collection.id + ' recorded: the cash box held ' + money(r.collected.totalCents, 2) + '.');
});
$('voucher').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const note = String(f.get('note') || '').trim();
  const v = await act('/vouchers', Object.assign(
    { credits: Number(f.get('credits')), staff: String(f.get('staff')) },
    note ? { note } : {},
  ));
  if (v) {
    $('voucherCode').textContent = 'Voucher ' + v.code + ' (' + v.credits + ' credits)';
    say('Voucher ' + v.code + ' issued.');
  }
});
$('tokenState').textContent = sessionStorage.getItem(tokenKey) ? 'token set for this tab' : '';
void poll();
setInterval(poll, 1000);
`;
