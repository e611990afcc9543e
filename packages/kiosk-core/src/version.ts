/** Version of the box runtime, reported in status and (later) to the fleet server. */
export const VERSION = '0.1.0';
