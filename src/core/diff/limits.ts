/** Documented limits for applying a diff; over any of them the result is `TOO_LARGE`. */
export const MAX_FILES_PER_DIFF = 10_000;
/** Largest file read from, or produced in, the target. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Largest sum of the new contents of all files one diff writes. */
export const MAX_WRITE_BYTES = 512 * 1024 * 1024;
/** Most fuzz a caller may ask for (GNU patch's default is 2; ours is 0). */
export const MAX_FUZZ = 3;
/** Longest path component, in UTF-8 bytes: NAME_MAX on Linux, macOS and Windows (NTFS). */
export const MAX_NAME_BYTES = 255;
/** Longest target-relative path, in UTF-8 bytes (PATH_MAX on Linux). */
export const MAX_PATH_BYTES = 4096;
