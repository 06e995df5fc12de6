-- Reported, not blocking: tickets whose agent (assignee) is not in the roster count at org scope only
-- ("unknown agent"). Add them to reference/roster.csv to attribute them to an agent and team.
{{ config(severity='warn') }}

select ticket_id, agent_key
from {{ ref('fct_tickets') }}
where agent_key is not null and agent_id is null
