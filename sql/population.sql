-- View population: one row per year of the stored DataUSA response (population/population.json),
-- whichever of its two shapes (Year a number or a string).
select
  try_cast(trim(figure['Year']) as integer) as year,
  try_cast(figure['Population'] as double) as population
from population_files
cross join unnest(data) as t (figure)
