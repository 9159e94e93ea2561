/**
 * Turns the registry's OpenMetrics exposition into Prometheus text 0.0.4 for scrapers that do not
 * ask for OpenMetrics: exemplars and `# EOF` go, and counter families take their `_total` name.
 */
export function toPrometheusText(openMetrics: string): string {
  const counters = new Set([...openMetrics.matchAll(/^# TYPE (\S+) counter$/gm)].map((match) => match[1]));
  const lines = openMetrics
    .split('\n')
    .filter((line) => line !== '# EOF')
    .map((line) => {
      const family = line.match(/^# (HELP|TYPE) (\S+) (.*)$/);
      if (family && counters.has(family[2])) return `# ${family[1]} ${family[2]}_total ${family[3]}`;
      return line.replace(/ # \{.*$/, '');
    });
  return `${lines.join('\n').trimEnd()}\n`;
}
