/**
 * The Application Load Balancer access log line, parsed by one regular expression that both the
 * Glue table (Hive RegexSerDe, Java regular expressions) and DuckDB (regexp_extract, RE2) read, so
 * Athena and the local run see the same columns. Only constructs the two engines share are used.
 *
 * Field order: "Access log entries", Application Load Balancers User Guide. The expression stops
 * after `target_status_code_list` and ignores the rest of the line: AWS adds fields at the end
 * (`classification`, `classification_reason`, `conn_trace_id`, ...), and parsers must skip them.
 * Every column is text (`-` stands for "none" in many fields); the `alb_requests` relation casts.
 */
export const ALB_COLUMNS = [
  'type',
  'time',
  'elb',
  'client_ip',
  'client_port',
  'target_ip',
  'target_port',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request_verb',
  'request_url',
  'request_proto',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'error_reason',
  'target_port_list',
  'target_status_code_list',
] as const;

const word = '([^ ]*)';
const quoted = '"([^"]*)"';

export const ALB_LINE_REGEX = [
  `^${word} ${word} ${word} ${word}:([0-9]*) ${word}[:-]([0-9]*)`,
  '([-.0-9]*) ([-.0-9]*) ([-.0-9]*) (-|[0-9]*) (-|[0-9]*) ([-0-9]*) ([-0-9]*)',
  // "- - - " is the request of a connection that never sent one.
  `"${word} ${word} (- |[^ ]*)" ${quoted} ${word} ${word} ${word}`,
  `${quoted} ${quoted} ${quoted} ([-.0-9]*) ${word} ${quoted} ${quoted} ${quoted} "([^ ]*)" "([^ ]*)".*$`,
].join(' ');
