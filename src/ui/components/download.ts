/** Saves bytes as a file the browser downloads (a ledger export). */
export function downloadFile(bytes: Uint8Array, name: string, type = 'application/x-ndjson'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a team's name: letters, digits, dots and dashes only. */
export function teamFileName(teamName: string, suffix = ''): string {
  return `${teamName.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'team'}${suffix}.ledger`;
}
