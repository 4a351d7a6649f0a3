import { DEPARTMENT_DIMENSION, METRICS_NAMESPACE, SERVICE_NAME, type MetricPoint } from '../../domain/metrics.ts';
import type { MetricsSink } from '../../ports/outside.ts';
import { powertoolsMetrics } from '../provided.ts';

const { Metrics, MetricUnit } = powertoolsMetrics();

/**
 * CloudWatch metrics through Powertools' embedded metric format: each point is written to the log
 * at once, CloudWatch turns the line into metrics. A department's point is written twice: with its
 * `department` dimension (the dashboard) and platform-wide (the alarms).
 */
export class EmfMetrics implements MetricsSink {
  private readonly metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

  emit(points: MetricPoint[]): void {
    for (const p of points) {
      this.metrics.singleMetric().addMetric(p.name, MetricUnit.Count, p.value);
      if (p.department) this.metrics.singleMetric().addDimension(DEPARTMENT_DIMENSION, p.department).addMetric(p.name, MetricUnit.Count, p.value);
    }
  }
}
