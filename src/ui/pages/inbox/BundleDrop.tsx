/**
 * Where bundles come in: a file picker, and drag-and-drop of files anywhere on the page (the
 * drop zone highlights while files are dragged over the window). Every file given is handed
 * on, in order: a drop of 300 bundles took the first and dropped the rest without a word.
 */
import { createSignal, onCleanup, onMount } from 'solid-js';
import { formatBytes } from '../../components/format.ts';

const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

export function BundleDrop(props: {
  onFiles: (files: File[], source: 'file' | 'drop') => void;
  maxBytes: number;
}) {
  const [dragging, setDragging] = createSignal(false);

  const onDragOver = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // allows the drop
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDragLeave = (event: DragEvent) => {
    if (event.relatedTarget === null) setDragging(false); // left the window
  };
  const onDrop = (event: DragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // keeps the browser from navigating to the file
    setDragging(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length > 0) props.onFiles(files, 'drop');
  };

  onMount(() => {
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('dragleave', onDragLeave);
    document.addEventListener('drop', onDrop);
  });
  onCleanup(() => {
    document.removeEventListener('dragover', onDragOver);
    document.removeEventListener('dragleave', onDragLeave);
    document.removeEventListener('drop', onDrop);
  });

  const onChange = (event: Event & { currentTarget: HTMLInputElement }) => {
    const input = event.currentTarget;
    const files = [...(input.files ?? [])];
    if (files.length > 0) props.onFiles(files, 'file');
    input.value = ''; // choosing the same file again still fires `change`
  };

  return (
    <section
      class="drop"
      classList={{ 'drop-active': dragging() }}
      data-testid="drop-zone"
      aria-labelledby="drop-title"
    >
      <h2 id="drop-title">Open a bundle</h2>
      <p>Drop bundle files anywhere on this page, or</p>
      <input
        id="bundle-file"
        class="visually-hidden"
        type="file"
        multiple
        accept=".json,.patchtrail,application/json,application/vnd.patchtrail.bundle.v1+json"
        data-testid="file-input"
        aria-describedby="drop-hint"
        onChange={onChange}
      />
      <label for="bundle-file" class="button">
        Choose a bundle file…
      </label>
      <p id="drop-hint" class="hint">
        Up to {formatBytes(props.maxBytes)}. The file is checked in this browser and never uploaded.
      </p>
    </section>
  );
}
