/**
 * Every queue and job name in one place. A job's name is its handler class's name; the worker
 * refuses to start when a job has no handler or two.
 */
export const QUEUES = {
  /** Planning (marking threads due) and dispatching (starting delivery jobs while threads are due). */
  notifications: 'notifications',
  /** One lane per channel, so a slow mail server never holds texts back: each job sends one batch. */
  smsDeliveries: 'deliveries-sms',
  emailDeliveries: 'deliveries-email',
  /** Incident changes that come with time rather than a request: scheduled maintenance starting. */
  incidents: 'incidents',
  /** Keeping the database within its retention: personal data past RETENTION_DAYS (src/retention). */
  housekeeping: 'housekeeping',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Registered job names per queue; a handler must exist for each. */
export const JOBS: Record<QueueName, readonly string[]> = {
  notifications: ['PlanIncidentJob', 'DispatchJob'],
  'deliveries-sms': ['DeliverSmsBatchJob'],
  'deliveries-email': ['DeliverEmailBatchJob'],
  incidents: ['StartMaintenanceJob'],
  housekeeping: ['RetentionJob'],
};

export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 5000 },
} as const;
