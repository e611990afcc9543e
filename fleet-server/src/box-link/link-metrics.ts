import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The box link's Prometheus metrics. They are made with the service (before the server's
 * registry exists, see services.ts) and added to that registry when the module registers.
 */
export class BoxLinkMetrics {
  readonly telemetryStored = new Counter({
    name: 'fleet_telemetry_records_stored_total',
    help: 'Telemetry records newly stored (replays not counted), by kind',
    labelNames: ['kind'] as const,
    registers: [],
  });
  readonly acksSent = new Counter({
    name: 'fleet_box_acks_sent_total',
    help: 'Telemetry acks sent to boxes (control channel and HTTP)',
    registers: [],
  });
  readonly handshakeRefusals = new Counter({
    name: 'fleet_box_handshake_refusals_total',
    help: 'Control channel handshakes refused, by error code',
    labelNames: ['code'] as const,
    registers: [],
  });
  readonly connectedBoxes: Gauge;

  constructor(connected: () => number) {
    this.connectedBoxes = new Gauge({
      name: 'fleet_box_connections',
      help: 'Boxes with an open control channel to this process',
      registers: [],
      // Read at scrape time: nothing to keep in step on every connect and disconnect.
      collect() {
        this.set(connected());
      },
    });
  }

  registerWith(registry: Registry): void {
    registry.registerMetric(this.telemetryStored);
    registry.registerMetric(this.acksSent);
    registry.registerMetric(this.handshakeRefusals);
    registry.registerMetric(this.connectedBoxes);
  }
}
