/**
 * `#/kiosk`: full screen, outside the shell. Not yet a kiosk: how to make this device one
 * (KioskSetup). In kiosk mode: the status board a passer-by reads (KioskBoard), and nothing
 * else: the frame's guard keeps every other route away until an admin confirms leaving.
 */
import { Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { KioskBoard } from './KioskBoard.tsx';
import { KioskSetup } from './KioskSetup.tsx';
import './kiosk.css';

export default function KioskPage() {
  const { kiosk } = useServices();
  return (
    <Show when={kiosk.mode()} fallback={<KioskSetup />}>
      <KioskBoard />
    </Show>
  );
}
