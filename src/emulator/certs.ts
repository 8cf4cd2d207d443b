/**
 * The emulator's TLS material: a throw-away CA and a server certificate for the loopback names, generated
 * per start. Clients trust the CA explicitly (LINKGATE_EMULATOR_CA / extraCaPem); TLS verification is never
 * switched off, so the SDK's bearer policy (https only) works unchanged against the emulator.
 */
import * as crypto from "node:crypto";
import forge from "node-forge";

export interface EmulatorCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function keyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  // Node's native generator: forge's pure-JS RSA generation takes seconds on a busy machine.
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
  };
}

function serial(): string {
  // Positive, 16 bytes: the first nibble is kept below 8 so the DER integer is never negative.
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString("hex");
}

let cached: EmulatorCertificates | undefined;

/**
 * Certificates for this process: generated once and shared by every emulator the process starts (tests
 * start many; two RSA key generations per start would dominate their run time).
 */
export function emulatorCertificates(): EmulatorCertificates {
  cached ??= generateCertificates();
  return cached;
}

/** An unsigned certificate for `publicKey`, valid from `notBefore` to `notAfter`, with a fresh serial. */
function newCertificate(
  publicKey: forge.pki.rsa.PublicKey,
  notBefore: Date,
  notAfter: Date,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  return cert;
}

export function generateCertificates(now: Date = new Date()): EmulatorCertificates {
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 7 * 24 * 3600_000);

  const caKeys = keyPair();
  const ca = newCertificate(caKeys.publicKey, notBefore, notAfter);
  const caSubject = [
    { name: "commonName", value: "linkgate emulator CA" },
    { name: "organizationName", value: "linkgate (local, test only)" },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = keyPair();
  const cert = newCertificate(serverKeys.publicKey, notBefore, notAfter);
  cert.setSubject([{ name: "commonName", value: "127.0.0.1" }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: [
        { type: 7, ip: "127.0.0.1" },
        { type: 7, ip: "::1" },
        { type: 2, value: "localhost" },
      ],
    },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
  };
}
