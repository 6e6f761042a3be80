// The test bed's authorization server: oauth2-mock-server 8.x on 127.0.0.1, driven by files
// in a control folder that the test writes (see tests/it/support/oauth2.rs).
// Args: CONTROL_DIR PORT KEYS_DIR MODULE_DIR
//   KEYS_DIR: Dovecot's local_validation_key_dict folder; the signing key is exported there
//   as PEM at default/RS256/<kid>, and an unrelated key at default/RS256/other (bad signature).
// Control files (read at each request):
//   email          the `email` claim (Dovecot's username_attribute)
//   ttl            lifetime of access tokens in seconds (default 3600)
//   reported-ttl   the `expires_in` the token endpoint reports (default: ttl)
//   invalid-grant  while it exists, refresh_token grants answer 400 invalid_grant
//   wrong-issuer   while it exists, tokens carry another `iss`
//   bad-signature  while it exists, tokens name the unrelated key (signature does not verify)
//   device         while it exists, the metadata names the device authorization endpoint
//   device-expires-in  expires_in of new device codes in seconds (default 600)
//   device-interval    interval of new device codes in seconds (default 1)
//   device-slow-down   while it exists, the first poll of each device code answers slow_down
// Every token request appends its grant_type to CONTROL_DIR/requests.log, and every token
// issued goes to CONTROL_DIR/tokens.log.
//
// The device authorization grant (RFC 8628), which oauth2-mock-server 8.x does not have, is
// added here in front of it: POST /device_authorization gives a device code and a user code,
// POST /token with grant_type urn:ietf:params:oauth:grant-type:device_code answers
// authorization_pending, slow_down (a poll sooner than the interval after the last one; the
// interval then grows by 5 s), access_denied, expired_token, or tokens signed by the same key
// as every other grant. The test stands in for the person at the other device:
// POST /test/device/approve?user_code=CODE or /test/device/deny?user_code=CODE. Each poll's
// answer is appended to CONTROL_DIR/device.log with its time in ms.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import http from 'node:http';
import { pathToFileURL } from 'node:url';

const [control, portArg, keysDir, moduleDir] = process.argv.slice(2);
const mod = await import(pathToFileURL(path.join(moduleDir, 'node_modules/oauth2-mock-server/dist/index.mjs')).href);
const has = (f) => fs.existsSync(path.join(control, f));
const read = (f, d) => { try { return fs.readFileSync(path.join(control, f), 'utf8').trim(); } catch { return d; } };

const server = new mod.OAuth2Server();
const jwk = await server.issuer.keys.generate('RS256');
const pem = crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
const dir = path.join(keysDir, 'default', 'RS256');
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, jwk.kid), pem);
const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
fs.writeFileSync(path.join(dir, 'other'), other.export({ type: 'spki', format: 'pem' }));

server.service.on('beforeTokenSigning', (token, req) => {
  token.payload.email = read('email', 'alice@example.test');
  const ttl = parseInt(read('ttl', '3600'), 10);
  token.payload.exp = token.payload.iat + ttl;
  delete token.payload.azp;
  if (has('wrong-issuer')) token.payload.iss = 'http://127.0.0.1:1/wrong';
  if (has('bad-signature')) token.header.kid = 'other';
});
server.service.on('beforeResponse', (response, req) => {
  const grant = (req.body && req.body.grant_type) || '?';
  fs.appendFileSync(path.join(control, 'requests.log'), grant + '\n');
  if (grant === 'refresh_token' && has('invalid-grant')) {
    response.statusCode = 400;
    response.body = { error: 'invalid_grant', error_description: 'The refresh token was revoked.' };
    return;
  }
  const ttl = parseInt(read('ttl', '3600'), 10);
  response.body.expires_in = parseInt(read('reported-ttl', String(ttl)), 10);
  // So tests can look for them where they must not be (database, logs, stderr).
  const issued = [response.body.access_token, response.body.refresh_token, response.body.id_token];
  fs.appendFileSync(path.join(control, 'tokens.log'), issued.filter(Boolean).join('\n') + '\n');
});

// --- RFC 8628 in front of the mock server ---
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const devices = new Map(); // device_code -> { user, state, expires, interval, last }
const issuer = `http://127.0.0.1:${portArg}`;
const sendJson = (res, status, body) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};
const readBody = (req) => new Promise((resolve) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (c) => { raw += c; });
  req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(raw))));
});
const deviceLog = (what) => fs.appendFileSync(path.join(control, 'device.log'), `${Date.now()} ${what}\n`);
const userCode = () => {
  const abc = 'BCDFGHJKLMNPQRSTVWXZ';
  const pick = () => Array.from(crypto.randomBytes(4), (b) => abc[b % abc.length]).join('');
  return `${pick()}-${pick()}`;
};

async function deviceToken(req, res, body) {
  fs.appendFileSync(path.join(control, 'requests.log'), DEVICE_GRANT + '\n');
  const d = devices.get(body.device_code);
  if (!d) { deviceLog('invalid_grant'); return sendJson(res, 400, { error: 'invalid_grant' }); }
  const now = Date.now();
  const early = d.last !== undefined && now - d.last < d.interval * 1000 - 100;
  d.last = now;
  if (now > d.expires) { deviceLog('expired_token'); return sendJson(res, 400, { error: 'expired_token' }); }
  if (d.state === 'denied') { deviceLog('access_denied'); return sendJson(res, 400, { error: 'access_denied' }); }
  if (early || (has('device-slow-down') && !d.slowed)) {
    d.slowed = true;
    d.interval += 5;
    deviceLog('slow_down');
    return sendJson(res, 400, { error: 'slow_down' });
  }
  if (d.state !== 'approved') { deviceLog('authorization_pending'); return sendJson(res, 400, { error: 'authorization_pending' }); }
  devices.delete(body.device_code);
  deviceLog('approved');
  const ttl = parseInt(read('ttl', '3600'), 10);
  req.body = body;
  const access = await server.service.buildToken(req, ttl, (_h, payload) => {
    Object.assign(payload, { sub: 'johndoe', scope: d.scope });
  });
  const response = {
    statusCode: 200,
    body: { access_token: access, token_type: 'Bearer', expires_in: ttl, scope: d.scope, refresh_token: crypto.randomUUID() },
  };
  // The same bookkeeping as every other grant (expires_in, tokens.log); requests.log has it.
  const ttlReported = parseInt(read('reported-ttl', String(ttl)), 10);
  response.body.expires_in = ttlReported;
  fs.appendFileSync(path.join(control, 'tokens.log'), [response.body.access_token, response.body.refresh_token].join('\n') + '\n');
  sendJson(res, response.statusCode, response.body);
}

const front = http.createServer(async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration' && has('device')) {
      return sendJson(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        device_authorization_endpoint: `${issuer}/device_authorization`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token', DEVICE_GRANT],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.method === 'POST' && url.pathname === '/device_authorization') {
      const body = await readBody(req);
      const code = crypto.randomUUID();
      const user = userCode();
      const expiresIn = parseInt(read('device-expires-in', '600'), 10);
      const interval = parseInt(read('device-interval', '1'), 10);
      devices.set(code, { user, state: 'pending', expires: Date.now() + expiresIn * 1000, interval, scope: body.scope || 'dummy' });
      deviceLog('issued');
      return sendJson(res, 200, {
        device_code: code,
        user_code: user,
        verification_uri: `${issuer}/device`,
        verification_uri_complete: `${issuer}/device?user_code=${user}`,
        expires_in: expiresIn,
        interval,
      });
    }
    if (req.method === 'POST' && url.pathname.startsWith('/test/device/')) {
      const verdict = url.pathname.endsWith('/approve') ? 'approved' : 'denied';
      const found = [...devices.values()].find((d) => d.user === url.searchParams.get('user_code'));
      if (!found) { res.writeHead(404); return res.end('no such user code\n'); }
      found.state = verdict;
      res.writeHead(200);
      return res.end(verdict + '\n');
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      // Read here; body-parser then sees a finished stream and keeps req.body as it is.
      const body = await readBody(req);
      req.body = body;
      if (body.grant_type === DEVICE_GRANT) return await deviceToken(req, res, body);
    }
    server.service.requestHandler(req, res);
  } catch (e) {
    sendJson(res, 500, { error: 'server_error', error_description: String(e) });
  }
});
await new Promise((resolve) => front.listen(parseInt(portArg, 10), '127.0.0.1', resolve));
server.issuer.url = issuer;
fs.writeFileSync(path.join(control, 'ready'), server.issuer.url + '\n');
process.on('SIGTERM', () => { front.close(); process.exit(0); });
