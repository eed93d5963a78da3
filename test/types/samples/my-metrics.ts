// Stands for the host's metrics client (prom-client, OpenTelemetry, StatsD) in the guide's samples.
type Labels = Record<string, string>;

export const metrics = {
  increment(_name: string, _labels: Labels): void {},
  add(_name: string, _value: number, _labels: Labels): void {},
  observe(_name: string, _value: number, _labels: Labels): void {},
};
