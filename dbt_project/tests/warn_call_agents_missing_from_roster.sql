-- Reported, not blocking: answered calls whose Asterisk interface is not in the roster at queue entry count at
-- org scope only ("unknown agent"). Add the interface to reference/roster.csv (asterisk_agent).
{{ config(severity='warn') }}

select call_id, queue, asterisk_agent, entered_at
from {{ ref('fct_calls') }}
where asterisk_agent is not null and agent_id is null
