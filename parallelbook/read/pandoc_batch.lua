-- Used by markdown.read_with_pandoc: see the comment there.
local format = arg[1]
while true do
  local header = io.read("l")
  if header == nil or header == "" then break end
  local text = (io.read(tonumber(header)) or "") .. "\n"
  local ok, result = pcall(function() return pandoc.write(pandoc.read(text, format), "json") end)
  if ok then io.write(result, "\n") else io.write("error ", (tostring(result):gsub("\n", " ")), "\n") end
  io.stdout:flush()
end
