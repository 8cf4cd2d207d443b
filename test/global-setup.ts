// Global setup: one throw-away TLS identity for loopback test servers and one Azurite Table service for the
// suite. Kept as plain JS so jest needs no transform for it.
//
// Exports to the test workers (which inherit this process's environment):
//   LINKGATE_TEST_TLS_DIR          ca.pem, cert.pem, key.pem: a CA and a server certificate for 127.0.0.1/localhost
//   LINKGATE_TEST_AZURITE_TABLE    https://127.0.0.1:PORT/devstoreaccount1 (Azurite Table, HTTPS, in memory)
//   LINKGATE_TEST_AZURITE_CONN     a connection string for it (the well-known Azurite development key)
// Tests trust ca.pem explicitly; TLS verification is never switched off.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const net = require("node:net");
const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const forge = require("node-forge");

// The fixed, publicly documented Azurite development account (not a secret).
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// node:crypto generates the keys (forge's pure-JS RSA takes seconds); forge builds the certificates.
function rsaKeys(pki) {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgeKey = pki.privateKeyFromPem(pem);
  return { privateKey: forgeKey, publicKey: pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function makeTlsIdentity(dir) {
  const pki = forge.pki;
  const caKeys = rsaKeys(pki);
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = "01";
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const caName = [{ name: "commonName", value: "linkgate test CA" }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = rsaKeys(pki);
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "02";
  cert.validity.notBefore = ca.validity.notBefore;
  cert.validity.notAfter = ca.validity.notAfter;
  cert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 2, value: "localhost" },
      ],
    },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  fs.writeFileSync(path.join(dir, "ca.pem"), pki.certificateToPem(ca));
  fs.writeFileSync(path.join(dir, "cert.pem"), pki.certificateToPem(cert));
  fs.writeFileSync(path.join(dir, "key.pem"), pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function startAzurite(dir, port) {
  const bin = path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "table", "main.js");
  const child = spawn(
    process.execPath,
    [
      bin,
      "--tableHost",
      "127.0.0.1",
      "--tablePort",
      String(port),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--silent",
      "--skipApiVersionCheck",
      "--cert",
      path.join(dir, "cert.pem"),
      "--key",
      path.join(dir, "key.pem"),
    ],
    // cwd is the temp dir: whatever Azurite writes beside its in-memory store stays out of the repo.
    { stdio: ["ignore", "pipe", "pipe"], cwd: dir },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite Table did not start within 20 s on port ${port}; output:\n${output}`));
    }, 20_000);
    const onData = (chunk) => {
      output += chunk.toString();
      if (output.includes("successfully started")) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        // Keep draining so a chatty Azurite never blocks on a full pipe.
        child.stdout.resume();
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c) => (output += c.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite Table exited with code ${code} before it started; output:\n${output}`));
    });
  });
}

module.exports = async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "linkgate-test-"));
  makeTlsIdentity(dir);
  const port = await freePort();
  const child = await startAzurite(dir, port);
  child.removeAllListeners("exit");
  const endpoint = `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  process.env.LINKGATE_TEST_TLS_DIR = dir;
  process.env.LINKGATE_TEST_AZURITE_TABLE = endpoint;
  process.env.LINKGATE_TEST_AZURITE_CONN = `DefaultEndpointsProtocol=https;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};TableEndpoint=${endpoint};`;
  globalThis.__LINKGATE_AZURITE__ = child;
  globalThis.__LINKGATE_TEST_DIR__ = dir;
};
