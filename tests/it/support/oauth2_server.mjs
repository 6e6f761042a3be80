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
// Every token request appends its grant_type to CONTROL_DIR/requests.log, and every token
// issued goes to CONTROL_DIR/tokens.log.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
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

await server.start(parseInt(portArg, 10), '127.0.0.1');
server.issuer.url = `http://127.0.0.1:${portArg}`;
fs.writeFileSync(path.join(control, 'ready'), server.issuer.url + '\n');
process.on('SIGTERM', async () => { await server.stop(); process.exit(0); });
