/**
 * Where the system itself writes in the dataset bucket: the feedback a predict job captured (its
 * human-verified rows) and the rows it asks a person to review (low confidence). One object per job.
 */
export const FEEDBACK_PREFIX = 'feedback/';
export const REVIEW_PREFIX = 'review/';

export const feedbackPrefixUri = (bucket: string): string => `s3://${bucket}/${FEEDBACK_PREFIX}`;
export const feedbackUri = (bucket: string, jobId: string): string =>
  `${feedbackPrefixUri(bucket)}${jobId}.csv`;
export const reviewPrefixUri = (bucket: string): string => `s3://${bucket}/${REVIEW_PREFIX}`;
export const reviewUri = (bucket: string, jobId: string): string => `${reviewPrefixUri(bucket)}${jobId}.csv`;
