-- Report: every year's Q01 value of PRS30006032 beside that year's US population
-- (null where DataUSA has no figure).
select d.series_id, d.year, d.period, d.value, p.population
from bls_data as d
left join population as p on p.year = d.year
where d.survey = 'pr' and d.file = 'pr.data.0.Current' and d.series_id = 'PRS30006032' and d.period = 'Q01'
order by d.year
