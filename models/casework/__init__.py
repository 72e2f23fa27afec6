"""计生服务 casework: cases, rules, rates, worklists."""
