import { toPrometheusText } from './prometheus-format.js';

describe('toPrometheusText', () => {
  it('drops exemplars and # EOF and names counter families with _total', () => {
    const openMetrics = [
      '# HELP traces Traces recorded',
      '# TYPE traces counter',
      'traces_total{status="ok"} 3 # {trace_id="abc",span_id="def"} 1 1700000000.1',
      '# HELP http_request_duration_seconds Duration',
      '# TYPE http_request_duration_seconds histogram',
      'http_request_duration_seconds_bucket{le="0.1",route="/users/:id"} 2 # {trace_id="abc",span_id="def"} 0.05 1700000000.2',
      'http_request_duration_seconds_count{route="/users/:id"} 2',
      '# EOF',
      '',
    ].join('\n');

    expect(toPrometheusText(openMetrics)).toBe(
      [
        '# HELP traces_total Traces recorded',
        '# TYPE traces_total counter',
        'traces_total{status="ok"} 3',
        '# HELP http_request_duration_seconds Duration',
        '# TYPE http_request_duration_seconds histogram',
        'http_request_duration_seconds_bucket{le="0.1",route="/users/:id"} 2',
        'http_request_duration_seconds_count{route="/users/:id"} 2',
        '',
      ].join('\n'),
    );
  });
});
