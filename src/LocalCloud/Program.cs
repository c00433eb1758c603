using LocalCloud;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddLocalCloud();

var app = builder.Build();
app.MapLocalCloud();
app.Run();
