/**
 * A ZIP archive of files stored as they are (PKWARE APPNOTE 6.3.10: method 0, names in UTF-8 by
 * general-purpose bit 11, Unix modes in the external attributes), which every unzip, file
 * manager and operating system opens. How a workspace's files leave the browser: a technician
 * takes the patched tree to where it runs. No compression: the archive is made at once, and
 * source trees are small next to what the browser holds.
 */

export interface ZipFile {
  /** "/"-separated, relative. */
  path: string;
  bytes: Uint8Array;
  executable: boolean;
}

/** Beyond these the format needs its ZIP64 extension, which this writer does not make. */
export const ZIP_MAX_FILES = 65_535;
export const ZIP_MAX_BYTES = 0xffff_fffe;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the one ZIP and gzip use). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++)
    c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** MS-DOS time and date, in local time as unzip reads them; 1980 is the earliest it holds. */
function dosTime(at: Date): { time: number; date: number } {
  const year = Math.min(Math.max(at.getFullYear(), 1980), 2107);
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}

/** The archive's bytes; a RangeError when it would need ZIP64 (too many files or bytes). */
export function zipStored(files: readonly ZipFile[], at: Date = new Date()): Uint8Array {
  if (files.length > ZIP_MAX_FILES)
    throw new RangeError(`a ZIP archive holds at most ${ZIP_MAX_FILES} files here`);
  const encoder = new TextEncoder();
  const { time, date } = dosTime(at);
  const names = files.map((f) => encoder.encode(f.path));
  let size = 22;
  for (const [i, file] of files.entries())
    size += 30 + 46 + 2 * (names[i] as Uint8Array).length + file.bytes.length;
  if (size > ZIP_MAX_BYTES)
    throw new RangeError('the files are over 4 GiB together, more than a ZIP archive holds here');
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at16 = 0;
  const u16 = (value: number) => (view.setUint16(at16, value, true), (at16 += 2));
  const u32 = (value: number) => (view.setUint32(at16, value >>> 0, true), (at16 += 4));
  const put = (bytes: Uint8Array) => (out.set(bytes, at16), (at16 += bytes.length));
  const offsets: number[] = [];
  const crcs: number[] = [];
  for (const [i, file] of files.entries()) {
    const name = names[i] as Uint8Array;
    const crc = crc32(file.bytes);
    offsets.push(at16);
    crcs.push(crc);
    u32(0x04034b50); // local file header
    u16(20); // version needed: 2.0
    u16(0x0800); // names in UTF-8
    u16(0); // stored
    u16(time);
    u16(date);
    u32(crc);
    u32(file.bytes.length);
    u32(file.bytes.length);
    u16(name.length);
    u16(0);
    put(name);
    put(file.bytes);
  }
  const directory = at16;
  for (const [i, file] of files.entries()) {
    const name = names[i] as Uint8Array;
    u32(0x02014b50); // central directory header
    u16((3 << 8) | 20); // made by Unix, 2.0: the external attributes hold a mode
    u16(20);
    u16(0x0800);
    u16(0);
    u16(time);
    u16(date);
    u32(crcs[i] as number);
    u32(file.bytes.length);
    u32(file.bytes.length);
    u16(name.length);
    u16(0); // extra
    u16(0); // comment
    u16(0); // disk
    u16(0); // internal attributes
    u32((file.executable ? 0o100755 : 0o100644) * 0x10000);
    u32(offsets[i] as number);
    put(name);
  }
  const directorySize = at16 - directory;
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(files.length);
  u16(files.length);
  u32(directorySize);
  u32(directory);
  u16(0);
  return out;
}
