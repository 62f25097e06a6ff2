/**
 * Documented limits for bundles. Inputs over a limit are refused with `TOO_LARGE` before any
 * parsing, so a hostile file cannot make us allocate or work in proportion to its size.
 */
export const MAX_BUNDLE_BYTES = 16 * 1024 * 1024;
export const MAX_DIFF_BYTES = 8 * 1024 * 1024;
/**
 * The author's signed statement, as the schema's cap on the envelope payload (12 MiB of
 * base64) allows: a diff carried in base64 grows by a third, so a non-UTF-8 diff can be about
 * 6.7 MiB.
 */
export const MAX_PAYLOAD_BYTES = 9 * 1024 * 1024;
export const MAX_ATTESTATIONS = 256;
export const MAX_REASON_LENGTH = 4096;
export const MAX_NOTE_LENGTH = 4096;
export const MAX_COMPONENTS = 256;
export const MAX_KEY_FILE_BYTES = 64 * 1024;
