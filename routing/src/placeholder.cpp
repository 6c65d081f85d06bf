// Keeps the routing target non-empty until its first real source lands.
namespace aras::routing {}
