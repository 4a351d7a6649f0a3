import { Logger } from '@aws-lambda-powertools/logger';
import { SERVICE_NAME } from './domain/metrics.ts';

/** Structured JSON logs (Powertools Logger): CloudWatch Logs in AWS, the terminal locally. */
export const logger = new Logger({ serviceName: SERVICE_NAME });
