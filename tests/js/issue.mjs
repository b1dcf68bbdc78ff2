// Issue (sign) and verify credentials with the reference JS stack, fully offline.
//
// stdin: {"contexts": {url: document},        -- every context the documents use
//         "documents": {url: document},       -- controller documents (DID documents)
//         "issue": [{"seed": hex32, "credentials": [unsigned...]}],
//         "verify": [signed...]}
// stdout: {"issued": [{"controller": did, "credentials": [signed...]}],
//          "verified": [{"verified": bool, "error": string|null}]}
// Each issuer's key is an Ed25519 Multikey from its seed, identified as a did:key; the
// credentials' issuer.id is set to it. A URL the loader does not hold is an error: no network.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

const input = JSON.parse(readFileSync(0, 'utf8'));
const held = new Map([
  ...Object.entries(input.contexts || {}),
  ...Object.entries(input.documents || {})
]);

function lookup(url) {
  const [base, fragment] = url.split('#');
  const document = held.get(base);
  if(!document) {
    throw new Error(`offline loader: ${url} is not held`);
  }
  if(fragment === undefined) {
    return document;
  }
  // a verification method inside a controller document
  const methods = document.verificationMethod || [];
  const method = methods.find(m => m.id === url);
  if(!method) {
    throw new Error(`offline loader: no verification method ${url}`);
  }
  return {'@context': document['@context'], ...method};
}

async function documentLoader(url) {
  return {contextUrl: null, documentUrl: url, document: lookup(url)};
}

function hexToBytes(hex) {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

const output = {issued: [], verified: []};
for(const {seed, credentials} of input.issue || []) {
  const keyPair = await Ed25519Multikey.generate({seed: hexToBytes(seed)});
  const controller = `did:key:${keyPair.publicKeyMultibase}`;
  keyPair.controller = controller;
  keyPair.id = `${controller}#${keyPair.publicKeyMultibase}`;
  const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});
  const signed = [];
  for(const credential of credentials) {
    credential.issuer = {...credential.issuer, id: controller};
    signed.push(await vc.issue({credential, suite, documentLoader}));
  }
  output.issued.push({controller, credentials: signed});
}
for(const credential of input.verify || []) {
  const suite = new DataIntegrityProof({cryptosuite});
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  const error = result.verified ? null : String(
    (result.error && (result.error.errors || [result.error]).map(e => e.message).join('; ')) ||
    'not verified');
  output.verified.push({verified: result.verified, error});
}
process.stdout.write(JSON.stringify(output));
