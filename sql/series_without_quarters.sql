-- Report: the pr series that have rows but none for a quarter Q01–Q04 (so no best year).
select series_id
from bls_data
where survey = 'pr' and file = 'pr.data.0.Current'
group by series_id
having sum(case when period in ('Q01', 'Q02', 'Q03', 'Q04') then 1 else 0 end) = 0
order by series_id
