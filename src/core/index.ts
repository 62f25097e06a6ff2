/** The public surface of the pure core, for the CLI, the app and workers. */
export * from './errors.ts';
export * from './bundle/types.ts';
export {
  createBundle,
  createBundleReport,
  serializeBundle,
  type CreateBundleInput,
} from './bundle/create.ts';
export {
  appendAttestation,
  mergeAttestations,
  type AttestInput,
  type CheckedCopy,
} from './bundle/attest.ts';
export {
  peekUnverifiedPredicate,
  readBundle,
  verifyBundle,
  verifyParsedBundle,
  type VerifyOptions,
} from './bundle/verify.ts';
export { checkPatchMetadata } from './bundle/metadata.ts';
export { MAX_BUNDLE_BYTES, MAX_DIFF_BYTES, MAX_KEY_FILE_BYTES } from './bundle/limits.ts';
export {
  encodePatchDiff,
  patchDiffBytes,
  patchDiffContent,
  patchDiffText,
} from './bundle/diff-encoding.ts';
export { escapeUndecodable, isUtf8, utf8Runs, type TextRun } from './encoding/utf8-runs.ts';
export { makeSeedSigner, type Signer } from './crypto/signer.ts';
export { didFromPublicKey, publicKeyFromDid, isDidKey } from './crypto/did-key.ts';
export { parsePem, privateKeyPem, publicKeyPem, type PemKey } from './crypto/pem.ts';
export { defaultBackend, type Ed25519Backend, type Ed25519Verifier } from './crypto/ed25519.ts';
export { sha256Hex, createStreamingSha256 } from './crypto/hash.ts';
export { bytesEqual, toHex, utf8Decode, utf8Encode } from './encoding/bytes.ts';
export {
  applyDiff,
  describeFileCount,
  type ApplyOptions,
  type ApplyResult,
  type FileResult,
} from './diff/apply.ts';
export { parseDiff, touchedPaths } from './diff/parse.ts';
export {
  describeUnappliable,
  unappliableChanges,
  type UnappliableChange,
} from './diff/unappliable.ts';
export { treeHash } from './diff/tree-hash.ts';
export { makeMemoryTree, type MemoryTree } from './diff/memory-tree.ts';
export {
  RESERVED_DIRS,
  type RecoveryOutcome,
  type Tree,
  type TreeChange,
  type TreeEntry,
} from './diff/tree.ts';
export { utcTimestamp } from './bundle/time.ts';
export { toBase64, fromBase64 } from './encoding/bytes.ts';
export {
  authorSigned,
  decodeEntry,
  signEntry,
  isEntryId,
  type Entry,
  type EntryFields,
  type ReadEntry,
} from './ledger/entry.ts';
export {
  ATTEST_REASONS,
  ENTRY_KINDS,
  type AttestReason,
  type EntryBody,
  type EntryKind,
} from './ledger/kinds.ts';
export {
  Ledger,
  rotationMessage,
  type AdmitResult,
  type Equivocation,
  type HeldEntry,
  type SignatureCheck,
  type LedgerEvents,
  type QuarantineRecord,
} from './ledger/ledger.ts';
export {
  admitLines,
  genesisIdOf,
  ledgerLines,
  LISTED_LINES,
  type LedgerLines,
  loadLedgerFile,
  serializeEntries,
  type LoadReport,
} from './ledger/file.ts';
export { receiptFor, receiptWith, type EntryReader, type EntryReceipt } from './ledger/receipt.ts';
export { MAX_ENTRY_BYTES, MAX_LEDGER_FILE_BYTES } from './ledger/limits.ts';
export {
  auditTrail,
  deviceAuditTrail,
  equivocatorsOf,
  identities,
  newlyEquivocated,
  provenance,
  type AuditEvent,
  type Equivocator,
  type Hop,
  type IdentityView,
  type Provenance,
} from './ledger/queries.ts';
export * from './reputation/index.ts';
export * from './policy/index.ts';
export {
  AGENT_STEPS,
  applyPatch,
  checkPatch,
  checkVerified,
  describePostApplyFailure,
  hasPostApplyChecks,
  rollbackPatch,
  runPostApplyChecks,
  type AgentApplyOptions,
  type ApplyRunResult,
  type AttesterReport,
  type CheckOptions,
  type CheckResult,
  type DecisionOutcome,
  type DecisionRequest,
  type PostApplyCheck,
  type PostApplyFailure,
  type RollbackOptions,
  type RollbackResult,
  type StepOutcome,
} from './agent/agent.ts';
export { policyDecider, type DeciderOptions } from './agent/decide.ts';
export { postureStanding, type PostureStanding } from './agent/posture.ts';
export {
  describeSelfReport,
  FAR_ABOVE_PPB,
  inflatedSelfReports,
  isFarAbove,
  latestSelfReport,
  selfReports,
  type SelfReport,
} from './agent/self-report.ts';
export {
  DEVICE_STATE_FORMAT,
  MAX_DEVICE_COMPONENTS,
  readDeviceState,
  type DeviceState,
} from './agent/device-state.ts';
export { parseJson } from './encoding/canonical-json.ts';
