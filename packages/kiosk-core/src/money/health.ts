import type { AcceptorHealth, MoneyDeviceStatus, MoneyState } from '@jukebox/protocol';

/** Device states in which an acceptor takes money (or will, once the box allows it). */
const working: ReadonlySet<MoneyDeviceStatus['state']> = new Set([
  'opening',
  'ready',
  'disabled',
  'busy',
  'reset',
]);

function healthOf(devices: readonly MoneyDeviceStatus[]): AcceptorHealth {
  if (devices.length === 0) return 'absent';
  return devices.some((d) => working.has(d.state)) ? 'ok' : 'faulty';
}

/**
 * What the patron can pay with, from the acceptors' states: ccTalk units take coins, eSSP
 * units take notes. The message names what still works, so a patron with only coins is told
 * before feeding a dead slot.
 */
export function moneyHealth(devices: readonly MoneyDeviceStatus[]): MoneyState {
  const coins = healthOf(devices.filter((d) => d.driver === 'cctalk'));
  const notes = healthOf(devices.filter((d) => d.driver === 'essp'));
  let message: string | null = null;
  if (coins === 'faulty' && notes === 'ok') message = 'Bills only';
  else if (notes === 'faulty' && coins === 'ok') message = 'Coins only';
  else if (coins === 'faulty' || notes === 'faulty') message = 'Out of order';
  return { coins, notes, message };
}
